package io.github.codexdocs.codex.testworld.docsbuilder;

import io.github.codexdocs.codex.testworld.docsbuilder.StandInProcess.Result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocsBuilderStandInTest {

    private static final String DOCSET = String.join("\n",
            "project: 'Test docs'",
            "registry: internal",
            "cross_links:",
            "  - platform-observability-team      # inherits 'internal'",
            "  - public://elasticsearch",
            "toc:",
            "  - file: index.md",
            "  - file: guide.md",
            "");

    @TempDir
    static Path shared;
    static Path launcher;

    @TempDir
    Path tmp;
    Path repo;

    @BeforeAll
    static void installLauncher() {
        launcher = StandInLauncher.install(shared.resolve("bin"));
    }

    @BeforeEach
    void createRepo() throws IOException {
        repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("docs"));
        LinkIndexRepo.git(repo, gitEnv(), "init", "-q");
        write("docs/docset.yml", DOCSET.replace("registry: internal\ncross_links:\n"
                + "  - platform-observability-team      # inherits 'internal'\n  - public://elasticsearch\n", ""));
        write("docs/index.md", "# Home page\n\nWelcome.\n");
        write("docs/guide.md", "# The guide\n\nText.\n");
    }

    @Test
    void buildWritesOutputAndExitsZero() throws Exception {
        Result r = run(Map.of(), "--output", "./.artifacts/docs/html", "--path-prefix", "team/docs");

        assertEquals(0, r.exit, r::toString);
        Path out = repo.resolve(".artifacts/docs/html");
        String index = Files.readString(out.resolve("index.html"));
        assertTrue(index.contains("/team/docs/guide"), index);
        assertTrue(index.contains("Home page") && index.contains("The guide"), index);
        assertTrue(Files.isRegularFile(out.resolve("guide/index.html")));
        assertTrue(Files.readString(out.resolve("links.json")).contains("\"guide.md\""));
        assertTrue(Files.isRegularFile(out.resolve(".doc.state")));
        assertTrue(r.stdout.contains("\u001b[32minfo \u001b[0m::Elastic.Markdown:: "), r::toString);
        assertTrue(r.stdout.contains("\t0 Errors / 0 Warnings / 0 Hints"), r::toString);
    }

    @Test
    void buildCommandAliasAndDefaultsAndMetadataOnly() throws Exception {
        Result r = run(Map.of(), "build", "--metadata-only");

        assertEquals(0, r.exit, r::toString);
        Path out = repo.resolve(".artifacts/docs/html");
        assertTrue(Files.isRegularFile(out.resolve("links.json")));
        assertFalse(Files.exists(out.resolve("index.html")));
    }

    @Test
    void unknownOptionIsAUsageError() throws Exception {
        Result r = run(Map.of(), "--bogus");

        assertEquals(2, r.exit, r::toString);
        assertTrue(r.stderr.startsWith("Unrecognized option '--bogus'"), r::toString);
        assertTrue(r.stderr.contains("Usage: docs-builder"), r::toString);
        assertFalse(Files.exists(repo.resolve(".artifacts")));

        Result missingValue = run(Map.of(), "--path");
        assertEquals(2, missingValue.exit, missingValue::toString);
    }

    @Test
    void withoutGitCheckoutSkipsOnGitHubActionsAndFailsElsewhere() throws Exception {
        Path plain = tmp.resolve("plain");
        Files.createDirectories(plain.resolve("docs"));
        Files.writeString(plain.resolve("docs/docset.yml"), "toc:\n  - file: index.md\n");
        Files.writeString(plain.resolve("docs/index.md"), "# Home\n");

        Result skipped = run(plain, Map.of("GITHUB_ACTIONS", "true"));
        assertEquals(0, skipped.exit, skipped::toString);
        assertTrue(skipped.stdout.contains("skipping"), skipped::toString);
        assertFalse(Files.exists(plain.resolve(".artifacts")));

        Result failed = run(plain, Map.of());
        assertEquals(1, failed.exit, failed::toString);
        assertTrue(failed.stdout.contains("\u001b[31merror\u001b[0m::Elastic.Markdown:: No git checkout"),
                failed::toString);
        assertFalse(Files.exists(plain.resolve(".artifacts")));
    }

    @Test
    void steeredErrorFailsTheBuild() throws Exception {
        Result r = run(Map.of("STANDIN_ERRORS", "1"));

        assertEquals(1, r.exit, r::toString);
        assertTrue(r.stdout.contains("\t1 Errors / 0 Warnings / 0 Hints"), r::toString);
    }

    @Test
    void warningsFailOnlyWithStrictAndBecomeAnnotationsOnGitHubActions() throws Exception {
        Result lenient = run(Map.of("STANDIN_WARNINGS", "2"));
        assertEquals(0, lenient.exit, lenient::toString);
        assertTrue(lenient.stdout.contains("\t0 Errors / 2 Warnings / 0 Hints"), lenient::toString);
        assertFalse(lenient.stdout.contains("::warning "), lenient::toString);

        Result strict = run(Map.of("STANDIN_WARNINGS", "1", "GITHUB_ACTIONS", "true"), "--strict");
        assertEquals(1, strict.exit, strict::toString);
        assertTrue(strict.stdout.contains("\u001b[33mwarn \u001b[0m::Elastic.Markdown:: Stand-in warning 1"),
                strict::toString);
        assertTrue(strict.stdout.contains("\n::warning file=docs/index.md,line=1::Stand-in warning 1 of 1"),
                strict::toString);
    }

    @Test
    void steeringLinesPauseAndForcedExit() throws Exception {
        long start = System.nanoTime();
        Result r = run(Map.of("STANDIN_LINES", "first line\\nstderr:on stderr", "STANDIN_PAUSE_MS", "200",
                "STANDIN_EXIT", "7", "STANDIN_PRINT_LINES", "3"));

        assertEquals(7, r.exit, r::toString);
        assertTrue(r.stdout.startsWith("first line" + System.lineSeparator()), r::toString);
        assertTrue(r.stderr.contains("on stderr"), r::toString);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
        long fillers = r.stdout.lines().filter(l -> l.contains("Processing filler line")).count();
        assertEquals(3, fillers);
        r.stdout.lines().filter(l -> l.contains("Processing filler line"))
                .forEach(l -> assertEquals(99, l.getBytes(StandardCharsets.UTF_8).length, l));
    }

    @Test
    void recordHashesSecretLookingVariables() throws Exception {
        Path record = tmp.resolve("record.json");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STANDIN_RECORD", record.toString());
        env.put("GITHUB_TOKEN", "ghs_secret");
        env.put("VAULT_SECRET_ID", "s3");
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", "http://x");
        env.put("DB_PASSWORD", "pw");
        env.put("PLAIN", "visible \"quoted\" \\ value");
        env.put("GIT_CONFIG_COUNT", "1");
        env.put("GIT_CONFIG_KEY_0", "http.https://github.com/.extraheader");
        env.put("GIT_CONFIG_VALUE_0", "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA==");

        Result r = run(env, "--path", "docs", "--log-level", "Warning");
        assertEquals(0, r.exit, r::toString);

        @SuppressWarnings("unchecked")
        Map<String, Object> rec = (Map<String, Object>) DocsBuilderStandIn.MiniJson.parse(Files.readString(record));
        assertEquals(List.of("--path", "docs", "--log-level", "Warning"), rec.get("args"));
        assertEquals(repo.toString(), rec.get("cwd"));
        assertTrue(rec.get("pid") instanceof Double);
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) rec.get("envNames");
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        assertTrue(names.contains("GITHUB_TOKEN") && names.contains("PLAIN"), names::toString);
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) rec.get("env");
        assertEquals("visible \"quoted\" \\ value", values.get("PLAIN"));
        assertEquals("sha256:" + DocsBuilderStandIn.sha256("ghs_secret"), values.get("GITHUB_TOKEN"));
        assertEquals("sha256:" + DocsBuilderStandIn.sha256("s3"), values.get("VAULT_SECRET_ID"));
        assertEquals("sha256:" + DocsBuilderStandIn.sha256("pw"), values.get("DB_PASSWORD"));
        assertEquals("sha256:" + DocsBuilderStandIn.sha256("http://x"), values.get("ACTIONS_ID_TOKEN_REQUEST_URL"));
        assertEquals("sha256:" + DocsBuilderStandIn.sha256("AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA=="),
                values.get("GIT_CONFIG_VALUE_0"));
        assertEquals("http.https://github.com/.extraheader", values.get("GIT_CONFIG_KEY_0"));
        assertEquals("1", values.get("GIT_CONFIG_COUNT"));
        assertEquals(DocsBuilderStandIn.sha256("ghs_secret"), rec.get("githubTokenSha256"));
        assertFalse(Files.readString(record).contains("ghs_secret"));
        assertFalse(Files.readString(record).contains("eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA=="));

        Result noToken = run(Map.of("STANDIN_RECORD", record.toString()));
        assertEquals(0, noToken.exit, noToken::toString);
        assertNull(((Map<?, ?>) DocsBuilderStandIn.MiniJson.parse(Files.readString(record))).get("githubTokenSha256"));
    }

    @Test
    void theLinkIndexFolderIsDotNetsLocalApplicationDataOfEachOs() {
        Map<String, String> env = Map.of("HOME", "/home/u", "XDG_DATA_HOME", "/data",
                "LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local");
        assertEquals(Path.of("/data/elastic/docs-builder/codex-link-index"),
                DocsBuilderStandIn.linkIndexFolder(env, "Linux"));
        assertEquals(Path.of("/home/u/.local/share/elastic/docs-builder/codex-link-index"),
                DocsBuilderStandIn.linkIndexFolder(Map.of("HOME", "/home/u"), "Linux"));
        assertEquals(Path.of("/home/u/.local/share/elastic/docs-builder/codex-link-index"),
                DocsBuilderStandIn.linkIndexFolder(Map.of("HOME", "/home/u", "XDG_DATA_HOME", "relative/data"),
                        "FreeBSD"), "a relative XDG_DATA_HOME is ignored");
        // .NET 8 and later: NSApplicationSupportDirectory, whatever XDG_DATA_HOME says
        assertEquals(Path.of("/home/u/Library/Application Support/elastic/docs-builder/codex-link-index"),
                DocsBuilderStandIn.linkIndexFolder(env, "Mac OS X"));
        assertEquals(Path.of("C:\\Users\\u\\AppData\\Local", "elastic", "docs-builder", "codex-link-index"),
                DocsBuilderStandIn.linkIndexFolder(env, "Windows 11"));
    }

    @Test
    void crossLinksResolveAgainstTheLinkIndexWithTheTokenUrl() throws Exception {
        writeCrossLinkDocs("[Runbook](platform-observability-team://runbooks/index.md)");
        String bare = LinkIndexRepo.createBare(tmp.resolve("codex-link-index.git"),
                Map.of("platform-observability-team", List.of("runbooks/index.md")), gitEnv());
        Map<String, String> env = new LinkedHashMap<>(LinkIndexRepo.insteadOf(bare, LinkIndexRepo.tokenUrl("tok123")));
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITHUB_TOKEN", "tok123");
        Path record = tmp.resolve("record.json");
        env.put("STANDIN_RECORD", record.toString());

        Result r = run(env);

        assertEquals(0, r.exit, r::toString);
        assertFalse(r.stdout.contains("tok123"), r::toString);
        assertTrue(r.stdout.contains("oauth2:***@"), r::toString);
        assertTrue(r.stdout.contains("info \u001b[0m::git:: "), r::toString);
        String index = Files.readString(repo.resolve(".artifacts/docs/html/index.html"));
        assertTrue(index.contains("<a href=\"https://codex.elastic.dev/r/platform-observability-team/runbooks/\">"
                + "Runbook</a>"), index);
        assertTrue(index.contains("<a href=\"https://www.elastic.co/docs/reference/\">ES</a>"), index);
        // like the real tool, the token ends up in the link index checkout's git config
        Path indexDir = tmp.resolve("data/elastic/docs-builder/codex-link-index");
        assertTrue(Files.readString(indexDir.resolve(".git/config")).contains(LinkIndexRepo.tokenUrl("tok123")));
        assertTrue(Files.isRegularFile(indexDir.resolve("internal/link-index.json")));

        assertEquals(List.of("init", "remote", "fetch", "checkout"), gitCommands(record));

        // a second run without GITHUB_ACTIONS would use SSH, but the folder already has a .git, so there is no
        // `git remote add` and the stored token URL is fetched again
        Map<String, String> second = new LinkedHashMap<>(LinkIndexRepo.insteadOf(bare, LinkIndexRepo.tokenUrl("tok123")));
        second.put("STANDIN_RECORD", record.toString());
        Result again = run(second);
        assertEquals(0, again.exit, again::toString);
        assertEquals(List.of("init", "fetch", "checkout"), gitCommands(record), "each run records its own git processes");
    }

    /** The git commands in {@code <record>.git-pids}, each line a pid that is not the stand-in's and a git command. */
    private static List<String> gitCommands(Path record) throws IOException {
        List<String> commands = new ArrayList<>();
        long standIn = ((Number) ((Map<?, ?>) DocsBuilderStandIn.MiniJson.parse(Files.readString(record))).get("pid"))
                .longValue();
        for (String line : Files.readAllLines(Path.of(record + ".git-pids"))) {
            String[] pidAndCommand = line.split(" ", 2);
            assertTrue(Long.parseLong(pidAndCommand[0]) > 0 && Long.parseLong(pidAndCommand[0]) != standIn, line);
            commands.add(pidAndCommand[1]);
        }
        return commands;
    }

    @Test
    void unknownCrossLinkPathIsAnError() throws Exception {
        writeCrossLinkDocs("[Missing](platform-observability-team://nope.md)");
        String bare = LinkIndexRepo.createBare(tmp.resolve("codex-link-index.git"),
                Map.of("platform-observability-team", List.of("runbooks/index.md")), gitEnv());

        Result r = run(LinkIndexRepo.insteadOf(bare, LinkIndexRepo.SSH_URL));

        assertEquals(1, r.exit, r::toString);
        assertTrue(r.stdout.contains("'nope.md' is not a valid link in the 'platform-observability-team' cross link"
                + " index: "), r::toString);
    }

    @Test
    void failedFetchWarnsAndReportsEveryInternalCrossLink() throws Exception {
        writeCrossLinkDocs("[Runbook](platform-observability-team://runbooks/index.md)");
        String missing = tmp.resolve("missing.git").toUri().toString();
        Map<String, String> env = new LinkedHashMap<>(LinkIndexRepo.insteadOf(missing, "https://github.com/"));
        env.put("GITHUB_ACTIONS", "true");

        Result r = run(env);

        assertEquals(1, r.exit, r::toString);
        assertTrue(r.stdout.contains("\u001b[33mwarn \u001b[0m::Elastic.Markdown:: Failed to fetch link index "
                + "registry from https://github.com/elastic/codex-link-index"), r::toString);
        assertTrue(r.stdout.contains("\u001b[31merror\u001b[0m::Elastic.Markdown:: 'runbooks/index.md' is not a valid"
                + " link in the 'platform-observability-team' cross link index: "), r::toString);
        assertTrue(r.stdout.contains("::error file=docs/index.md,line=3::'runbooks/index.md' is not a valid link"),
                r::toString);
        assertTrue(r.stdout.contains("\t1 Errors / 1 Warnings / 0 Hints"), r::toString);

        Result skipped = run(env, "--skip-cross-links");
        assertEquals(0, skipped.exit, skipped::toString);
    }

    @Test
    void spawnedChildAndSleepLeaveATreeToKill() throws Exception {
        Path record = tmp.resolve("tree/record.json");
        Map<String, String> env = Map.of("STANDIN_RECORD", record.toString(), "STANDIN_SPAWN_CHILD", "1",
                "STANDIN_SLEEP_SECONDS", "60");
        ProcessBuilder pb = builder(repo, env).redirectErrorStream(true);
        Path out = tmp.resolve("tree-stdout.txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            Path childPidFile = Path.of(record + ".child-pid");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(childPidFile) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(childPidFile), "no child pid file");
            long javaPid = Long.parseLong(Files.readString(Path.of(record + ".pid")).trim());
            long childPid = Long.parseLong(Files.readString(childPidFile).trim());
            if (!StandInLauncher.windows()) {
                // exec in the launcher: the launched process is the java process itself
                assertEquals(p.pid(), javaPid);
            }
            ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
            assertTrue(child.isAlive());
            assertEquals(javaPid, child.parent().map(ProcessHandle::pid).orElse(-1L));
            while (!Files.readString(out).contains("Sleeping 60 s") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.readString(out).contains("Sleeping 60 s"), "output is flushed before sleeping");
            child.destroyForcibly();
            p.destroyForcibly();
            assertTrue(child.onExit().get(10, TimeUnit.SECONDS) != null);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------------------------------- support

    private void writeCrossLinkDocs(String link) throws IOException {
        write("docs/docset.yml", DOCSET);
        write("docs/index.md", "# Home page\n\n" + link + " and [ES](elasticsearch://reference/index.md).\n");
    }

    private void write(String relative, String content) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private Map<String, String> gitEnv() {
        return LinkIndexRepo.hermeticGitEnv(tmp.resolve("home"));
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        return run(repo, env, args);
    }

    /** Runs the launcher in {@code cwd} with a clean environment: PATH, hermetic git, temp HOME/XDG_DATA_HOME. */
    private Result run(Path cwd, Map<String, String> env, String... args) throws Exception {
        return StandInProcess.run(builder(cwd, env, args), tmp);
    }

    private ProcessBuilder builder(Path cwd, Map<String, String> env, String... args) {
        Map<String, String> all = new LinkedHashMap<>(gitEnv());
        all.putAll(env);
        return StandInProcess.builder(launcher, cwd, tmp, all, args);
    }
}
