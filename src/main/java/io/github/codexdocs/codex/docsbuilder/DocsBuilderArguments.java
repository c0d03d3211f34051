package io.github.codexdocs.codex.docsbuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The options of docs-builder's build command that the plugin sets, turned into its command-line arguments.
 * Secrets never go here: the token reaches docs-builder through its environment only.
 *
 * @param docsPath  {@code --path}, or null to let docs-builder use its working directory
 * @param output    {@code --output}
 * @param pathPrefix {@code --path-prefix}, or null for none
 * @param strict    {@code --strict}
 * @param exporters {@code --exporters}, empty for docs-builder's default
 * @param extra     appended verbatim
 */
public record DocsBuilderArguments(Path docsPath, Path output, String pathPrefix, boolean strict,
                                   List<String> exporters, List<String> extra) {

    public DocsBuilderArguments {
        Objects.requireNonNull(output, "output");
        exporters = List.copyOf(exporters);
        extra = List.copyOf(extra);
    }

    public List<String> toList() {
        List<String> args = new ArrayList<>();
        if (docsPath != null) {
            args.add("--path");
            args.add(docsPath.toString());
        }
        args.add("--output");
        args.add(output.toString());
        if (pathPrefix != null && !pathPrefix.isEmpty()) {
            args.add("--path-prefix");
            args.add(pathPrefix);
        }
        if (strict) {
            args.add("--strict");
        }
        if (!exporters.isEmpty()) {
            args.add("--exporters");
            args.add(String.join(",", exporters));
        }
        args.addAll(extra);
        return args;
    }

    /**
     * Whether docs-builder is expected to write {@code links.json}: always, unless an exporter list, configured
     * or among the extra arguments, leaves out link metadata.
     */
    public boolean expectsLinkMetadata() {
        List<String> chosen = new ArrayList<>(exporters);
        for (int i = 0; i < extra.size(); i++) {
            String arg = extra.get(i);
            if (arg.equals("--exporters") && i + 1 < extra.size()) {
                chosen.addAll(List.of(extra.get(i + 1).split(",")));
            } else if (arg.startsWith("--exporters=")) {
                chosen.addAll(List.of(arg.substring("--exporters=".length()).split(",")));
            }
        }
        return chosen.isEmpty()
                || chosen.stream().anyMatch(e -> e.trim().toLowerCase(Locale.ROOT).contains("link"));
    }
}
