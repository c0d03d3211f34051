package io.github.codexdocs.codex.testworld.docsbuilder;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stand-in for Elastic's {@code docs-builder} CLI (default {@code build} command), for tests only.
 *
 * <p>It follows the contract in {@code upstream-contracts.md} section 4: options, docset discovery, the
 * GitHub Actions skip, console format with ANSI colours, the summary line, workflow-command annotations,
 * exit codes, output files and the codex link index fetched with real {@code git}. It uses only the JDK, so it
 * runs from a bare {@code test-classes} classpath (see {@link StandInLauncher}).
 *
 * <p>Test steering through environment variables (all optional):
 * <ul>
 *   <li>{@code STANDIN_RECORD=<file>}: at start, write a JSON record of the invocation (overwritten); and as
 *       each {@code git} process starts, append its pid and git command ({@code 4711 fetch}) as a line to
 *       {@code <file>.git-pids}, which each run starts afresh.</li>
 *   <li>{@code STANDIN_EXIT=<code>}: force this exit code at the end (after all normal output).</li>
 *   <li>{@code STANDIN_LINES=<lines>}: raw lines printed first (separated by real newlines or the two
 *       characters {@code \n}); a line starting with {@code stderr:} goes to stderr without that prefix.</li>
 *   <li>{@code STANDIN_PAUSE_MS=<ms>}: after the first stdout line, flush and sleep.</li>
 *   <li>{@code STANDIN_PRINT_LINES=<n>}: print n filler info lines of 100 bytes each (buffered).</li>
 *   <li>{@code STANDIN_WARNINGS=<n>} / {@code STANDIN_ERRORS=<n>}: emit that many diagnostics.</li>
 *   <li>{@code STANDIN_SPAWN_CHILD=1|inherit}: start a long-lived child ({@code sleep 600}); writes
 *       {@code <record>.pid} and {@code <record>.child-pid}. {@code inherit} lets the child inherit
 *       stdout/stderr (so the pipes stay open while it lives), otherwise its output is discarded.</li>
 *   <li>{@code STANDIN_SLEEP_SECONDS=<s>}: sleep (after build output, before the summary).</li>
 * </ul>
 */
public final class DocsBuilderStandIn {

    static final String VERSION = "0.0.0-standin";
    static final String CATEGORY = "Elastic.Markdown";
    static final String LINK_INDEX_DISPLAY_URL = "https://github.com/elastic/codex-link-index";

    private static final String NL = System.lineSeparator();
    private static final Pattern CROSS_LINK =
            Pattern.compile("\\[([^\\]]*)\\]\\(([A-Za-z][A-Za-z0-9+._-]*)://([^)\\s#]*\\.md)(#[^)\\s]*)?\\)");
    private static final Pattern TOKEN_IN_URL = Pattern.compile("oauth2:[^@\\s/]*@");
    private static final Set<String> LOG_LEVELS =
            Set.of("trace", "debug", "information", "warning", "error", "critical", "none",
                    "0", "1", "2", "3", "4", "5", "6");

    private final Map<String, String> env;
    private final Path cwd;
    private final Writer out;
    private final PrintStream err;
    private final boolean githubActions;
    private final long pauseMs;
    private int linesPrinted;
    private int errors;
    private int warnings;
    private int hints;

    private DocsBuilderStandIn(Map<String, String> env, Path cwd, Writer out, PrintStream err) {
        this.env = env;
        this.cwd = cwd;
        this.out = out;
        this.err = err;
        this.githubActions = !blank(env.get("GITHUB_ACTIONS"));
        this.pauseMs = longEnv("STANDIN_PAUSE_MS", 0);
    }

    public static void main(String[] args) {
        Writer out = new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        DocsBuilderStandIn standIn =
                new DocsBuilderStandIn(System.getenv(), Path.of("").toAbsolutePath(), out, err);
        int code;
        try {
            code = standIn.run(args);
        } catch (Throwable t) {
            try {
                standIn.line("fail ", "\u001b[91m", CATEGORY, "Unhandled exception: " + t);
            } catch (IOException ignored) {
                // nothing left to report to
            }
            code = 1;
        }
        String forced = System.getenv("STANDIN_EXIT");
        if (!blank(forced)) {
            code = Integer.parseInt(forced.trim());
        }
        try {
            out.flush();
        } catch (IOException ignored) {
            // stdout closed
        }
        err.flush();
        System.exit(code);
    }

    // ------------------------------------------------------------------------------------------------ run

    private int run(String[] args) throws Exception {
        String record = env.get("STANDIN_RECORD");
        if (!blank(record)) {
            writeRecord(Path.of(record), args);
            Files.deleteIfExists(gitPids(record));
        }
        printSteeredLines();

        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            out.flush();
            err.println(e.getMessage());
            err.println();
            err.print(usage());
            err.flush();
            return 2;
        }
        if (options.help) {
            raw(usage().stripTrailing());
            return 0;
        }
        if (options.version) {
            raw(VERSION);
            return 0;
        }
        return build(options);
    }

    private int build(Options options) throws Exception {
        Path path = options.path == null ? cwd : cwd.resolve(options.path).normalize();
        Path output = cwd.resolve(options.output == null ? ".artifacts/docs/html" : options.output).normalize();

        Path docsetFile = findDocset(path);
        if (docsetFile == null) {
            return missing("No docset.yml or _docset.yml found in '" + path + "' or '" + path.resolve("docs") + "'");
        }
        Path docsetDir = docsetFile.getParent();
        if (!Files.exists(docsetDir.resolve(".git"))
                && (docsetDir.getParent() == null || !Files.exists(docsetDir.getParent().resolve(".git")))) {
            return missing("No git checkout found for docset '" + docsetFile
                    + "': .git must be in the docset folder or one level above it");
        }

        info("Loading docset " + docsetFile);
        Docset docset = Docset.parse(docsetFile);
        String prefix = normalizePrefix(options.pathPrefix);
        info("Building documentation into " + output + (prefix.isEmpty() ? "" : " with path prefix /" + prefix));

        List<Page> pages = collectPages(docsetDir, output, docset, docsetFile);
        info("Found " + pages.size() + " markdown file(s)");

        int steeredLines = intEnv("STANDIN_PRINT_LINES", 0);
        for (int i = 1; i <= steeredLines; i++) {
            String msg = String.format(Locale.ROOT, "Processing filler line %08d of the stand-in output ", i);
            StringBuilder sb = new StringBuilder(msg);
            // console prefix "\u001b[32minfo \u001b[0m::Elastic.Markdown:: " is 35 chars; pad the line to 100 bytes
            while (sb.length() + 35 + 1 < 100) {
                sb.append('.');
            }
            info(sb.toString());
        }

        resolveCrossLinks(options, docset, pages, docsetFile);

        String diagnosticFile = displayPath(pages.isEmpty() ? docsetFile : pages.get(0).file);
        for (int i = 1, n = intEnv("STANDIN_WARNINGS", 0); i <= n; i++) {
            warning(diagnosticFile, 1, "Stand-in warning " + i + " of " + n);
        }
        for (int i = 1, n = intEnv("STANDIN_ERRORS", 0); i <= n; i++) {
            error(diagnosticFile, 1, "Stand-in error " + i + " of " + n);
        }

        boolean writeHtml = !options.metadataOnly && exporterEnabled(options, "html");
        boolean writeLinks = exporterEnabled(options, "linkmetadata");
        Files.createDirectories(output);
        if (writeHtml) {
            writeHtml(output, prefix, options.canonicalBaseUrl, pages);
        }
        if (writeLinks) {
            writeLinksJson(output, prefix, pages);
        }
        if (writeHtml) {
            writeState(output, prefix, pages, options);
        }
        info("Wrote output to " + output);

        spawnChildAndSleep();

        out.write("\t" + errors + " Errors / " + warnings + " Warnings / " + hints + " Hints" + NL);
        out.flush();
        boolean failed = errors > 0 || (options.strict && warnings > 0);
        return failed ? 1 : 0;
    }

    private int missing(String what) throws IOException {
        if (githubActions) {
            info(what + "; skipping the documentation build because GITHUB_ACTIONS is set");
            return 0;
        }
        error(null, 0, what);
        out.write("\t" + errors + " Errors / " + warnings + " Warnings / " + hints + " Hints" + NL);
        return 1;
    }

    private static Path findDocset(Path path) {
        for (Path dir : List.of(path, path.resolve("docs"))) {
            for (String name : List.of("docset.yml", "_docset.yml")) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static boolean exporterEnabled(Options options, String exporter) {
        if (options.exporters == null) {
            return true;
        }
        for (String e : options.exporters.split("[,;\\s]+")) {
            if (e.trim().equalsIgnoreCase(exporter)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------- pages

    static final class Page {
        final Path file;
        final String relative; // e.g. "guide/setup.md"
        final String title;
        final String content;
        final List<Link> links = new ArrayList<>();

        Page(Path file, String relative, String content) {
            this.file = file;
            this.relative = relative;
            this.content = content;
            String t = null;
            for (String l : content.split("\\R")) {
                if (l.startsWith("# ")) {
                    t = l.substring(2).trim();
                    break;
                }
            }
            this.title = t != null ? t : relative.replaceAll("\\.md$", "");
        }

        String urlPath() {
            String p = relative.replaceAll("\\.md$", "");
            if (p.equals("index")) {
                return "";
            }
            if (p.endsWith("/index")) {
                return p.substring(0, p.length() - "/index".length());
            }
            return p;
        }
    }

    static final class Link {
        final String text;
        final String repo;
        final String path;
        final String anchor;
        final int line;
        String resolvedUrl;

        Link(String text, String repo, String path, String anchor, int line) {
            this.text = text;
            this.repo = repo;
            this.path = path;
            this.anchor = anchor == null ? "" : anchor;
            this.line = line;
        }

        String uri() {
            return repo + "://" + path + anchor;
        }
    }

    private List<Page> collectPages(Path docsetDir, Path output, Docset docset, Path docsetFile) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(docsetDir)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(output))
                    .filter(p -> {
                        for (Path part : docsetDir.relativize(p)) {
                            if (part.toString().startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .collect(Collectors.toList());
        }
        Map<String, Page> byRelative = new LinkedHashMap<>();
        for (String tocFile : docset.tocFiles) {
            Path p = docsetDir.resolve(tocFile).normalize();
            if (!Files.isRegularFile(p)) {
                error(displayPath(docsetFile), 1, "File '" + tocFile + "' in the toc of " + docsetFile.getFileName()
                        + " does not exist");
            }
        }
        for (String tocFile : docset.tocFiles) {
            Path p = docsetDir.resolve(tocFile).normalize();
            if (files.contains(p)) {
                byRelative.put(relative(docsetDir, p), null);
            }
        }
        for (Path p : files) {
            byRelative.putIfAbsent(relative(docsetDir, p), null);
        }
        List<Page> pages = new ArrayList<>();
        for (String rel : byRelative.keySet()) {
            Path file = docsetDir.resolve(rel);
            Page page = new Page(file, rel, Files.readString(file, StandardCharsets.UTF_8));
            String[] lines = page.content.split("\\R", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = CROSS_LINK.matcher(lines[i]);
                while (m.find()) {
                    String scheme = m.group(2).toLowerCase(Locale.ROOT);
                    if (scheme.equals("http") || scheme.equals("https") || scheme.equals("file")) {
                        continue;
                    }
                    page.links.add(new Link(m.group(1), m.group(2), m.group(3), m.group(4), i + 1));
                }
            }
            pages.add(page);
        }
        return pages;
    }

    private static String relative(Path base, Path file) {
        return base.relativize(file).toString().replace('\\', '/');
    }

    // ---------------------------------------------------------------------------------------- cross links

    private void resolveCrossLinks(Options options, Docset docset, List<Page> pages, Path docsetFile)
            throws IOException, InterruptedException {
        Map<String, String> registryOf = new LinkedHashMap<>();
        for (String entry : docset.crossLinks) {
            int i = entry.indexOf("://");
            if (i > 0) {
                registryOf.put(entry.substring(i + 3), entry.substring(0, i).toLowerCase(Locale.ROOT));
            } else {
                registryOf.put(entry, docset.registry == null ? "public" : docset.registry);
            }
        }
        boolean anyLinks = pages.stream().anyMatch(p -> !p.links.isEmpty());
        if (options.skipCrossLinks) {
            if (anyLinks) {
                info("Skipping cross-link resolution (--skip-cross-links)");
            }
            return;
        }

        boolean internalWanted = registryOf.containsValue("internal");
        boolean fetched = false;
        Path indexDir = null;
        if (internalWanted) {
            indexDir = linkIndexFolder(env, System.getProperty("os.name", ""));
            fetched = fetchLinkIndex(indexDir, docsetFile);
        }
        Map<String, Set<String>> internalLinks = new TreeMap<>();

        for (Page page : pages) {
            String file = displayPath(page.file);
            for (Link link : page.links) {
                String registry = registryOf.get(link.repo);
                if (registry == null) {
                    error(file, link.line, "'" + link.repo + "' was not declared as a valid cross link repository"
                            + " in " + docsetFile.getFileName() + ": " + link.uri());
                    continue;
                }
                if (!registry.equals("internal")) {
                    link.resolvedUrl = "https://www.elastic.co/docs/" + urlOf(link.path) + link.anchor;
                    continue;
                }
                if (!fetched) {
                    error(file, link.line, "'" + link.path + "' is not a valid link in the '" + link.repo
                            + "' cross link index: the link index registry " + LINK_INDEX_DISPLAY_URL
                            + " could not be fetched");
                    continue;
                }
                Set<String> known = internalLinks.get(link.repo);
                if (known == null) {
                    known = readRepoLinks(indexDir, link.repo);
                    internalLinks.put(link.repo, known);
                }
                if (known.isEmpty()) {
                    error(file, link.line, "'" + link.path + "' is not a valid link in the '" + link.repo
                            + "' cross link index: '" + link.repo + "' has no links.json in the link index");
                } else if (!known.contains(link.path)) {
                    error(file, link.line, "'" + link.path + "' is not a valid link in the '" + link.repo
                            + "' cross link index: " + link.uri());
                } else {
                    link.resolvedUrl = "https://codex.elastic.dev/r/" + link.repo + "/" + urlOf(link.path)
                            + link.anchor;
                }
            }
        }
    }

    private static String urlOf(String mdPath) {
        String p = mdPath.replaceAll("\\.md$", "");
        if (p.equals("index")) {
            return "";
        }
        return p.endsWith("/index") ? p.substring(0, p.length() - "index".length()) : p;
    }

    private Set<String> readRepoLinks(Path indexDir, String repo) throws IOException {
        Path linksFile = indexDir.resolve("internal").resolve("elastic").resolve(repo).resolve("links.json");
        if (!Files.isRegularFile(linksFile)) {
            return Set.of();
        }
        Object parsed = MiniJson.parse(Files.readString(linksFile, StandardCharsets.UTF_8));
        Set<String> keys = new LinkedHashSet<>();
        if (parsed instanceof Map) {
            Object links = ((Map<?, ?>) parsed).get("links");
            if (links instanceof Map) {
                for (Object k : ((Map<?, ?>) links).keySet()) {
                    keys.add(String.valueOf(k));
                }
            }
        }
        return keys;
    }

    /**
     * Where docs-builder keeps its clone of the link index: {@code <data>/elastic/docs-builder/codex-link-index} in
     * .NET 8's local application-data folder for {@code osName} (as in the {@code os.name} system property):
     * {@code LOCALAPPDATA} on Windows, {@code $HOME/Library/Application Support} on macOS, and elsewhere
     * {@code XDG_DATA_HOME} when it is an absolute path, else {@code $HOME/.local/share}.
     */
    public static Path linkIndexFolder(Map<String, String> env, String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        String home = blank(env.get("HOME")) ? System.getProperty("user.home") : env.get("HOME");
        Path data;
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            data = Path.of(blank(local) ? System.getProperty("user.home") + "\\AppData\\Local" : local);
        } else if (os.startsWith("mac")) {
            data = Path.of(home, "Library", "Application Support");
        } else {
            String xdg = env.get("XDG_DATA_HOME");
            data = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(home, ".local", "share");
        }
        return data.resolve("elastic").resolve("docs-builder").resolve("codex-link-index");
    }

    private String linkIndexUrl() {
        String token = env.get("GITHUB_TOKEN");
        if (githubActions && !blank(token)) {
            return "https://oauth2:" + token + "@github.com/elastic/codex-link-index.git";
        }
        if (githubActions) {
            return "https://github.com/elastic/codex-link-index.git";
        }
        return "git@github.com:elastic/codex-link-index.git";
    }

    private boolean fetchLinkIndex(Path dir, Path docsetFile) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        boolean hadGit = Files.exists(dir.resolve(".git"));
        String url = linkIndexUrl();
        info("Fetching link index registry from " + redact(url) + " into " + dir);
        boolean ok = git(dir, "init") == 0;
        if (ok && !hadGit) {
            ok = git(dir, "remote", "add", "origin", url) == 0;
        }
        if (ok) {
            ok = git(dir, "fetch", "--no-tags", "--prune", "--depth", "1", "origin", "HEAD") == 0;
        }
        if (ok) {
            ok = git(dir, "checkout", "--force", "FETCH_HEAD") == 0;
        }
        if (!ok) {
            warning(displayPath(docsetFile), 1, "Failed to fetch link index registry from " + LINK_INDEX_DISPLAY_URL);
            return false;
        }
        Path registry = dir.resolve("internal").resolve("link-index.json");
        if (Files.isRegularFile(registry)) {
            Object parsed = MiniJson.parse(Files.readString(registry, StandardCharsets.UTF_8));
            info("Read link index registry " + registry + (parsed instanceof Map ? "" : " (not a JSON object)"));
        } else {
            info("Link index registry has no internal/link-index.json");
        }
        return true;
    }

    private int git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            line("info ", "\u001b[32m", "git", "could not start git: " + redact(e.getMessage()));
            return 127;
        }
        recordGitPid(process, args[0]);
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                for (String part : l.split("\r")) {
                    if (!part.isBlank()) {
                        line("info ", "\u001b[32m", "git", redact(part));
                    }
                }
            }
        }
        return process.waitFor();
    }

    private static Path gitPids(String record) {
        return Path.of(record + ".git-pids");
    }

    /** Appends the git process to {@code <record>.git-pids}; unbuffered, so that it is there if the stand-in is killed. */
    private void recordGitPid(Process process, String gitCommand) throws IOException {
        String record = env.get("STANDIN_RECORD");
        if (!blank(record)) {
            Files.writeString(gitPids(record), process.pid() + " " + gitCommand + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")
                ? "NUL" : "/dev/null");
    }

    private String redact(String s) {
        if (s == null) {
            return "";
        }
        String r = TOKEN_IN_URL.matcher(s).replaceAll("oauth2:***@");
        String token = env.get("GITHUB_TOKEN");
        if (!blank(token)) {
            r = r.replace(token, "***");
        }
        return r;
    }

    // --------------------------------------------------------------------------------------------- output

    private void writeHtml(Path output, String prefix, String canonicalBase, List<Page> pages) throws IOException {
        String base = prefix.isEmpty() ? "" : "/" + prefix;
        StringBuilder nav = new StringBuilder("<nav><ul>\n");
        for (Page p : pages) {
            nav.append("<li><a href=\"").append(escape(base + "/" + p.urlPath()))
                    .append("\">").append(escape(p.title)).append("</a></li>\n");
        }
        nav.append("</ul></nav>\n");
        boolean rootWritten = false;
        for (Page p : pages) {
            String up = p.urlPath();
            Path target = up.isEmpty() ? output.resolve("index.html") : output.resolve(up).resolve("index.html");
            rootWritten |= up.isEmpty();
            List<Link> links = up.isEmpty() ? allLinks(pages) : p.links;
            Files.createDirectories(target.getParent());
            Files.writeString(target, page(p.title, base, canonicalBase, up, nav, links, p), StandardCharsets.UTF_8);
        }
        if (!rootWritten) {
            Files.writeString(output.resolve("index.html"),
                    page("Documentation", base, canonicalBase, "", nav, allLinks(pages), null), StandardCharsets.UTF_8);
        }
    }

    private static List<Link> allLinks(List<Page> pages) {
        List<Link> all = new ArrayList<>();
        pages.forEach(p -> all.addAll(p.links));
        return all;
    }

    private static String page(String title, String base, String canonicalBase, String urlPath, CharSequence nav,
            List<Link> links, Page page) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.append("<title>").append(escape(title)).append("</title>\n");
        sb.append("<meta name=\"generator\" content=\"docs-builder ").append(VERSION).append("\">\n");
        sb.append("<meta name=\"path-prefix\" content=\"").append(escape(base)).append("\">\n");
        if (canonicalBase != null) {
            String c = canonicalBase.replaceAll("/+$", "") + base + "/" + urlPath;
            sb.append("<link rel=\"canonical\" href=\"").append(escape(c)).append("\">\n");
        }
        sb.append("</head>\n<body>\n").append(nav);
        sb.append("<main>\n<h1>").append(escape(title)).append("</h1>\n");
        for (Link l : links) {
            if (l.resolvedUrl != null) {
                sb.append("<p><a href=\"").append(escape(l.resolvedUrl)).append("\">").append(escape(l.text))
                        .append("</a></p>\n");
            }
        }
        if (page != null) {
            sb.append("<pre class=\"source\">").append(escape(page.content)).append("</pre>\n");
        }
        sb.append("</main>\n</body>\n</html>\n");
        return sb.toString();
    }

    private void writeLinksJson(Path output, String prefix, List<Page> pages) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"origin\": {\"branch\": ").append(MiniJson.quote(orUnknown(env.get("GITHUB_REF_NAME"))))
                .append(", \"remote\": ").append(MiniJson.quote(orUnknown(env.get("GITHUB_REPOSITORY"))))
                .append(", \"ref\": ").append(MiniJson.quote(orUnknown(env.get("GITHUB_REF")))).append("},\n");
        sb.append("  \"url_path_prefix\": ").append(MiniJson.quote(prefix.isEmpty() ? "" : "/" + prefix)).append(",\n");
        sb.append("  \"links\": {");
        for (int i = 0; i < pages.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append("    ").append(MiniJson.quote(pages.get(i).relative)).append(": {}");
        }
        sb.append(pages.isEmpty() ? "},\n" : "\n  },\n");
        sb.append("  \"cross_links\": [");
        List<Link> all = allLinks(pages);
        for (int i = 0; i < all.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(MiniJson.quote(all.get(i).uri()));
        }
        sb.append("]\n}\n");
        Files.writeString(output.resolve("links.json"), sb.toString(), StandardCharsets.UTF_8);
    }

    private void writeState(Path output, String prefix, List<Page> pages, Options options) throws IOException {
        String json = "{\"generator\": " + MiniJson.quote("docs-builder " + VERSION)
                + ", \"path_prefix\": " + MiniJson.quote(prefix)
                + ", \"pages\": " + pages.size()
                + ", \"strict\": " + options.strict
                + ", \"force\": " + options.force + "}\n";
        Files.writeString(output.resolve(".doc.state"), json, StandardCharsets.UTF_8);
    }

    private static String orUnknown(String s) {
        return blank(s) ? "unknown" : s;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String normalizePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        return prefix.trim().replaceAll("^/+", "").replaceAll("/+$", "");
    }

    private String displayPath(Path file) {
        if (file == null) {
            return null;
        }
        Path shown = file.startsWith(cwd) ? cwd.relativize(file) : file;
        return shown.toString().replace('\\', '/');
    }

    // -------------------------------------------------------------------------------------------- console

    private void info(String message) throws IOException {
        line("info ", "\u001b[32m", CATEGORY, message);
    }

    private void warning(String file, int lineNumber, String message) throws IOException {
        warnings++;
        line("warn ", "\u001b[33m", CATEGORY, withLocation(message, file, lineNumber));
        annotation("warning", file, lineNumber, message);
    }

    private void error(String file, int lineNumber, String message) throws IOException {
        errors++;
        line("error", "\u001b[31m", CATEGORY, withLocation(message, file, lineNumber));
        annotation("error", file, lineNumber, message);
    }

    private static String withLocation(String message, String file, int lineNumber) {
        return file == null ? message : message + " (" + file + ":" + lineNumber + ")";
    }

    private void annotation(String kind, String file, int lineNumber, String message) throws IOException {
        if (!githubActions) {
            return;
        }
        StringBuilder sb = new StringBuilder("::").append(kind);
        if (file != null) {
            sb.append(" file=").append(escapeProperty(file)).append(",line=").append(Math.max(1, lineNumber));
        }
        sb.append("::").append(escapeData(message));
        raw(sb.toString());
    }

    private static String escapeData(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String escapeProperty(String s) {
        return escapeData(s).replace(":", "%3A").replace(",", "%2C");
    }

    void line(String level, String colour, String category, String message) throws IOException {
        raw(colour + level + "\u001b[0m::" + category + ":: " + message);
    }

    private void raw(String line) throws IOException {
        out.write(line);
        out.write(NL);
        afterLine();
    }

    private void afterLine() throws IOException {
        linesPrinted++;
        if (linesPrinted == 1 && pauseMs > 0) {
            out.flush();
            sleep(pauseMs);
        }
    }

    private void printSteeredLines() throws IOException {
        String lines = env.get("STANDIN_LINES");
        if (lines == null || lines.isEmpty()) {
            return;
        }
        for (String l : lines.replace("\\n", "\n").split("\r?\n", -1)) {
            if (l.startsWith("stderr:")) {
                out.flush();
                err.println(l.substring("stderr:".length()));
                err.flush();
            } else {
                raw(l);
            }
        }
    }

    // --------------------------------------------------------------------------------------- process tree

    private void spawnChildAndSleep() throws IOException {
        String spawn = env.get("STANDIN_SPAWN_CHILD");
        String record = env.get("STANDIN_RECORD");
        if (!blank(spawn) && !spawn.equals("0")) {
            boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
            ProcessBuilder pb = windows
                    ? new ProcessBuilder("ping", "-n", "601", "127.0.0.1")
                    : new ProcessBuilder("sleep", "600");
            if (spawn.equalsIgnoreCase("inherit")) {
                pb.inheritIO();
            } else {
                pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            }
            Process child = pb.start();
            if (!blank(record)) {
                writeAtomically(Path.of(record + ".pid"), ProcessHandle.current().pid() + "\n");
                writeAtomically(Path.of(record + ".child-pid"), child.pid() + "\n");
            }
            info("Started child process " + child.pid());
        }
        long seconds = longEnv("STANDIN_SLEEP_SECONDS", 0);
        if (seconds > 0) {
            info("Sleeping " + seconds + " s");
            out.flush();
            sleep(seconds * 1000);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --------------------------------------------------------------------------------------------- record

    private void writeRecord(Path file, String[] args) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"args\": [");
        for (int i = 0; i < args.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(MiniJson.quote(args[i]));
        }
        sb.append("],\n");
        sb.append("  \"cwd\": ").append(MiniJson.quote(cwd.toString())).append(",\n");
        sb.append("  \"pid\": ").append(ProcessHandle.current().pid()).append(",\n");
        TreeMap<String, String> sorted = new TreeMap<>(env);
        sb.append("  \"envNames\": [");
        boolean first = true;
        for (String name : sorted.keySet()) {
            sb.append(first ? "" : ", ").append(MiniJson.quote(name));
            first = false;
        }
        sb.append("],\n");
        sb.append("  \"env\": {");
        first = true;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String value = sensitive(e.getKey()) ? "sha256:" + sha256(e.getValue()) : e.getValue();
            sb.append(first ? "\n" : ",\n").append("    ").append(MiniJson.quote(e.getKey())).append(": ")
                    .append(MiniJson.quote(value));
            first = false;
        }
        sb.append(first ? "},\n" : "\n  },\n");
        String token = env.get("GITHUB_TOKEN");
        sb.append("  \"githubTokenSha256\": ").append(token == null ? "null" : MiniJson.quote(sha256(token)))
                .append("\n}\n");
        writeAtomically(file, sb.toString());
    }

    /**
     * Whether the stand-in's record stores only a hash of this variable's value: names with TOKEN, SECRET or
     * PASSWORD, and {@code GIT_CONFIG_VALUE_<n>} (git configuration from the environment may carry credentials,
     * e.g. an {@code http.<url>.extraheader} with an Authorization header).
     */
    static boolean sensitive(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.contains("TOKEN") || n.contains("SECRET") || n.contains("PASSWORD") || n.startsWith("ACTIONS_ID_TOKEN")
                || n.startsWith("GIT_CONFIG_VALUE_");
    }

    static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : digest) {
                sb.append(String.format(Locale.ROOT, "%02x", b));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp" + ProcessHandle.current().pid());
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // -------------------------------------------------------------------------------------------- helpers

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private long longEnv(String name, long fallback) {
        String v = env.get(name);
        return blank(v) ? fallback : Long.parseLong(v.trim());
    }

    private int intEnv(String name, int fallback) {
        return (int) longEnv(name, fallback);
    }

    static String usage() {
        return "Usage: docs-builder [command] [options...] [-h|--help] [--version]" + NL
                + NL
                + "Converts a source markdown folder or file to an output folder" + NL
                + NL
                + "Options:" + NL
                + "  -p, --path <string?>                 Defaults to the`{pwd}/docs` folder (Default: null)" + NL
                + "  -o, --output <string?>               Defaults to `.artifacts/html` (Default: null)" + NL
                + "  --path-prefix <string?>              Specifies the path prefix for urls (Default: null)" + NL
                + "  --force <bool?>                      Force a full rebuild of the destination folder" + NL
                + "  --strict <bool?>                     Treat warnings as errors and fail the build on warnings" + NL
                + "  --skip-cross-links                   Skip resolving cross links" + NL
                + "  --canonical-base-url <string?>       The base URL for the canonical url tag" + NL
                + "  --metadata-only                      Only emit documentation metadata to output" + NL
                + "  --exporters <string?>                Set available exporters: html, linkmetadata, ..." + NL
                + "  --log-level <LogLevel>               Trace, Debug, Information, Warning, Error, Critical, None" + NL
                + NL
                + "Commands:" + NL
                + "  build    Converts a source markdown folder or file to an output folder" + NL;
    }

    // -------------------------------------------------------------------------------------------- options

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static final class Options {
        String path;
        String output;
        String pathPrefix;
        String canonicalBaseUrl;
        String exporters;
        String logLevel;
        boolean strict;
        boolean force;
        boolean skipCrossLinks;
        boolean metadataOnly;
        boolean help;
        boolean version;

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            int i = 0;
            if (args.length > 0 && args[0].equals("build")) {
                i = 1;
            }
            for (; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h":
                    case "--help":
                        o.help = true;
                        break;
                    case "--version":
                        o.version = true;
                        break;
                    case "-p":
                    case "--path":
                        o.path = value(args, ++i, a);
                        break;
                    case "-o":
                    case "--output":
                        o.output = value(args, ++i, a);
                        break;
                    case "--path-prefix":
                        o.pathPrefix = value(args, ++i, a);
                        break;
                    case "--canonical-base-url":
                        o.canonicalBaseUrl = value(args, ++i, a);
                        break;
                    case "--exporters":
                        o.exporters = value(args, ++i, a);
                        break;
                    case "--log-level":
                        o.logLevel = value(args, ++i, a);
                        if (!LOG_LEVELS.contains(o.logLevel.toLowerCase(Locale.ROOT))) {
                            throw new UsageException("Argument '--log-level' failed to parse, provided value: "
                                    + o.logLevel);
                        }
                        break;
                    case "--strict":
                        o.strict = bool(args, i, o.strict);
                        i += consumedBool(args, i);
                        break;
                    case "--force":
                        o.force = bool(args, i, o.force);
                        i += consumedBool(args, i);
                        break;
                    case "--skip-cross-links":
                        o.skipCrossLinks = true;
                        break;
                    case "--metadata-only":
                        o.metadataOnly = true;
                        break;
                    default:
                        if (a.startsWith("-")) {
                            throw new UsageException("Unrecognized option '" + a + "'");
                        }
                        throw new UsageException("Unrecognized argument '" + a + "'");
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String option) throws UsageException {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new UsageException("Argument '" + option + "' requires a value");
            }
            return args[i];
        }

        /** {@code --strict} is a flag that may be followed by an explicit {@code true}/{@code false}. */
        private static boolean bool(String[] args, int i, boolean current) {
            if (i + 1 < args.length && (args[i + 1].equalsIgnoreCase("true") || args[i + 1].equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(args[i + 1].toLowerCase(Locale.ROOT));
            }
            return true;
        }

        private static int consumedBool(String[] args, int i) {
            return i + 1 < args.length && (args[i + 1].equalsIgnoreCase("true") || args[i + 1].equalsIgnoreCase("false"))
                    ? 1 : 0;
        }
    }

    // --------------------------------------------------------------------------------------------- docset

    static final class Docset {
        String registry;
        final List<String> crossLinks = new ArrayList<>();
        final List<String> tocFiles = new ArrayList<>();

        static Docset parse(Path file) throws IOException {
            Docset d = new Docset();
            String section = "";
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = stripComment(raw);
                if (l.isBlank()) {
                    continue;
                }
                boolean topLevel = !Character.isWhitespace(l.charAt(0)) && !l.startsWith("-");
                if (topLevel) {
                    int colon = l.indexOf(':');
                    String key = colon < 0 ? l.trim() : l.substring(0, colon).trim();
                    String value = colon < 0 ? "" : unquote(l.substring(colon + 1).trim());
                    section = key;
                    if (key.equals("registry")) {
                        d.registry = value.toLowerCase(Locale.ROOT);
                    }
                    continue;
                }
                String t = l.trim();
                if (section.equals("cross_links") && t.startsWith("-")) {
                    String entry = unquote(t.substring(1).trim());
                    if (!entry.isEmpty()) {
                        d.crossLinks.add(entry);
                    }
                } else if (section.equals("toc")) {
                    Matcher m = Pattern.compile("^-?\\s*file:\\s*(.+)$").matcher(t);
                    if (m.find()) {
                        d.tocFiles.add(unquote(m.group(1).trim()));
                    }
                }
            }
            return d;
        }

        private static String stripComment(String l) {
            int hash = l.indexOf(" #");
            if (l.trim().startsWith("#")) {
                return "";
            }
            return hash >= 0 ? l.substring(0, hash) : l;
        }

        private static String unquote(String s) {
            if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
                return s.substring(1, s.length() - 1);
            }
            return s;
        }
    }

    // ----------------------------------------------------------------------------------------------- json

    /** A minimal JSON reader (objects, arrays, strings, numbers, literals) and string quoting. */
    static final class MiniJson {
        private final String s;
        private int i;

        private MiniJson(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            MiniJson p = new MiniJson(text);
            p.ws();
            Object v = p.value();
            p.ws();
            if (p.i != p.s.length()) {
                throw p.fail("trailing content");
            }
            return v;
        }

        static String quote(String v) {
            StringBuilder sb = new StringBuilder("\"");
            for (int k = 0; k < v.length(); k++) {
                char c = v.charAt(k);
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    case '\b': sb.append("\\b"); break;
                    case '\f': sb.append("\\f"); break;
                    default:
                        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                }
            }
            return sb.append('"').toString();
        }

        private Object value() {
            if (i >= s.length()) {
                throw fail("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': return object();
                case '[': return array();
                case '"': return string();
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                default: return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (peek('}')) {
                i++;
                return m;
            }
            while (true) {
                ws();
                String k = string();
                ws();
                expect(':');
                ws();
                m.put(k, value());
                ws();
                if (peek(',')) {
                    i++;
                    continue;
                }
                expect('}');
                return m;
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            ws();
            if (peek(']')) {
                i++;
                return l;
            }
            while (true) {
                ws();
                l.add(value());
                ws();
                if (peek(',')) {
                    i++;
                    continue;
                }
                expect(']');
                return l;
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw fail("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u':
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: sb.append(e);
                }
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw fail("bad literal");
            }
            i += word.length();
            return v;
        }

        private Object number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw fail("unexpected character '" + s.charAt(i) + "'");
            }
            return Double.parseDouble(s.substring(start, i));
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private boolean peek(char c) {
            return i < s.length() && s.charAt(i) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw fail("expected '" + c + "'");
            }
            i++;
        }

        private IllegalArgumentException fail(String why) {
            return new IllegalArgumentException("Invalid JSON at offset " + i + ": " + why);
        }
    }
}
