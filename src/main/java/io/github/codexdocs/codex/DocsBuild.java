package io.github.codexdocs.codex;

import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.ci.PreviewPathPrefix;
import io.github.codexdocs.codex.docsbuilder.ChildEnvironment;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderArguments;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderExit;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderRunner;
import io.github.codexdocs.codex.docsbuilder.ExecutableLocator;
import io.github.codexdocs.codex.docsbuilder.install.DocsBuilderInstaller;
import io.github.codexdocs.codex.token.BuildToken;
import io.github.codexdocs.codex.token.TokenOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One run of {@code codex:build}: resolve what docs-builder needs, run it, and judge its result. */
public final class DocsBuild {
    private final BuildLog log;
    private final Map<String, String> environment;
    private final boolean windows;
    private final BuildToken token;
    private final DocsBuilderInstaller installer;

    public DocsBuild(BuildLog log, Map<String, String> environment, boolean windows, BuildToken token,
                     DocsBuilderInstaller installer) {
        this.log = log;
        this.environment = environment;
        this.windows = windows;
        this.token = token;
        this.installer = installer;
    }

    /** What the user configured; a null {@code executable} means the installer provides docs-builder. */
    public record Settings(String executable, Path workingDirectory, Path docsPath, Path outputDirectory,
                           String pathPrefix, boolean strict, List<String> exporters, List<String> arguments,
                           Map<String, String> environmentVariables, String tokenEnvironmentVariable,
                           Duration timeout) {
    }

    public void run(Settings settings) {
        Map<String, String> childEnvironment = ChildEnvironment.of(environment, settings.environmentVariables(),
                settings.tokenEnvironmentVariable());
        String pathPrefix = settings.pathPrefix() != null
                ? settings.pathPrefix()
                : PreviewPathPrefix.derive(new GitHubActions(environment)).orElse(null);
        Path executable = settings.executable() == null
                ? installer.install()
                : new ExecutableLocator(environment, windows).locate(settings.executable(), settings.workingDirectory());
        DocsBuilderArguments arguments = new DocsBuilderArguments(settings.docsPath(), settings.outputDirectory(),
                pathPrefix, settings.strict(), settings.exporters(), settings.arguments());

        TokenOutcome tokenOutcome = token.obtain();
        tokenOutcome.token().ifPresent(t -> childEnvironment.put(settings.tokenEnvironmentVariable(), t.value()));
        DocsBuilderRunner.Result result;
        try {
            result = new DocsBuilderRunner(log).run(executable, arguments.toList(), settings.workingDirectory(),
                    childEnvironment, settings.timeout());
        } finally {
            token.release(tokenOutcome);
        }

        if (result.exitCode() != 0) {
            throw new CodexException(DocsBuilderExit.failureMessage(result.exitCode(), result.summary(),
                    settings.strict()));
        }
        if (arguments.expectsLinkMetadata() && !Files.isRegularFile(settings.outputDirectory().resolve("links.json"))) {
            Path docs = settings.docsPath() != null ? settings.docsPath() : settings.workingDirectory();
            throw new CodexException("docs-builder exited successfully but built nothing (no links.json in "
                    + settings.outputDirectory() + "); check that " + docs + " or its docs/ folder holds a docset.yml"
                    + " or _docset.yml and that it is inside a git checkout.");
        }
        log.info("Documentation built in " + settings.outputDirectory()
                + result.summary().map(s -> " (" + s + ")").orElse(""));
    }
}
