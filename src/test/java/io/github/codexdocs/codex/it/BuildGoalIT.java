package io.github.codexdocs.codex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.codexdocs.codex.token.VaultRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Real Maven builds of the scenarios in {@code src/it} running {@code codex:build} against the docs-builder stand-in. */
class BuildGoalIT {
    private static Scenario scenario(String name) {
        return Scenario.withStandIn(name);
    }

    private static JsonNode record(Scenario.Build build) throws IOException {
        Path file = build.directory().resolve("record.json");
        assertTrue(Files.isRegularFile(file), "docs-builder did not run: no " + file);
        return new ObjectMapper().readTree(file.toFile());
    }

    private static List<String> args(JsonNode record) {
        List<String> args = new ArrayList<>();
        record.path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    @Test
    void directGoalBuildsTheDocsWithDefaults() throws IOException {
        Scenario.Build build = scenario("direct-goal").property("maven.plugin.validation", "VERBOSE")
                .run("codex:build").succeeded()
                .logLacks("Plugin validation")
                .logLacks("[WARNING]")
                .logContains("[INFO] Running " + Scenario.standInBin().resolve("docs-builder") + " --output ")
                .logContains("Documentation built in ")
                .logLacks("--path-prefix");
        assertEquals(1, build.log().split("\\[INFO\\] Running ", -1).length - 1, "the command line is logged once");
        Path output = build.directory().resolve("target/docs/html");
        assertTrue(Files.isRegularFile(output.resolve("index.html")));
        assertTrue(Files.isRegularFile(output.resolve("links.json")));
        JsonNode record = record(build);
        assertEquals(List.of("--output", output.toString()), args(record));
        assertEquals(build.directory().toString(), record.path("cwd").asText());
    }

    @Test
    void thisProjectsOwnDocsBuildWithThePlugin() throws IOException {
        Scenario.Build build = scenario("own-docs").run("codex:build").succeeded()
                .logContains("0 Errors / 0 Warnings / 0 Hints");
        Path html = build.directory().resolve("target/docs/html");
        assertTrue(Files.isDirectory(html.resolve("token-flow")), "no page for docs/token-flow.md");
        assertTrue(Files.isRegularFile(html.resolve("links.json")));
    }

    @Test
    void sitePhaseRunsTheGoalThroughItsDefaultBinding() throws IOException {
        Scenario.Build build = scenario("site-phase").run("site").succeeded()
                .logContains("--- codex:" + System.getProperty("codex.it.pluginVersion") + ":build (default) @ site-phase ---")
                .logContains("Documentation built in ");
        assertTrue(Files.isRegularFile(build.directory().resolve("target/docs/html/index.html")));
    }

    @Test
    void skipRunsNothing() {
        Scenario.Build build = scenario("skip").property("codex.skip", "true").run("codex:build").succeeded()
                .logContains("[INFO] Skipping docs-builder (codex.skip=true).")
                .logLacks("Running ");
        assertFalse(Files.exists(build.directory().resolve("record.json")));
    }

    @Test
    void everyOptionReachesTheCommandLine() throws IOException {
        Scenario.Build build = scenario("options").run("codex:build").succeeded();
        Path dir = build.directory();
        JsonNode record = record(build);
        assertEquals(List.of("--path", dir.resolve("docs").toString(),
                "--output", dir.resolve("target/site-html").toString(),
                "--path-prefix", "/custom/prefix",
                "--strict",
                "--exporters", "html,linkmetadata",
                "--force", "--canonical-base-url", "https://www.elastic.co/docs"), args(record));
        assertEquals(dir.resolve("docs").toString(), record.path("cwd").asText());
        assertTrue(Files.isRegularFile(dir.resolve("target/site-html/links.json")));
        build.logContains("[INFO] Running " + Scenario.standInBin().resolve("docs-builder") + " --path " + dir.resolve("docs")
                + " --output " + dir.resolve("target/site-html") + " --path-prefix /custom/prefix --strict --exporters"
                + " html,linkmetadata --force --canonical-base-url https://www.elastic.co/docs\n");
    }

    @Test
    void exportersWithoutLinkMetadataNeedNoLinksJson() throws IOException {
        Scenario.Build build = scenario("direct-goal").property("codex.exporters", "html").run("codex:build").succeeded()
                .logContains(" --exporters html")
                .logContains("Documentation built in ");
        Path output = build.directory().resolve("target/docs/html");
        assertTrue(Files.isRegularFile(output.resolve("index.html")));
        assertFalse(Files.exists(output.resolve("links.json")), "the stand-in wrote link metadata anyway");
    }

    @Test
    void aConfiguredPathPrefixWinsOverTheEventInGitHubActions() throws IOException {
        Scenario.Build build = scenario("path-prefix-unsupported-event").githubActions("schedule", "{}")
                .property("codex.pathPrefix", "/nightly").run("codex:build").succeeded()
                .logContains(" --path-prefix /nightly")
                .logLacks("unsupported GitHub event");
        assertPrefix(build, "/nightly");
    }

    @Test
    void maxHeapOf64MegabytesRelaysAMillionLines() {
        // 100 MB of output: the relay keeps none of it, so Maven's small heap is enough
        Scenario.Build build = scenario("streaming").env("STANDIN_PRINT_LINES", "1000000")
                .mavenOpts("-Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
                .keepOnlyLines(line -> !line.contains("Processing filler line"))
                .run("codex:build").succeeded()
                .logContains("Documentation built in ")
                .logLacks("OutOfMemoryError");
        assertTrue(build.lines() > 1_000_000, "only " + build.lines() + " lines reached the log");
    }

    @Test
    void configuredVariablesReachTheChildAndCredentialsDoNot() throws IOException {
        Scenario.Build build = scenario("environment-variables")
                .env("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/token?x=1")
                .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "fake-request-token-for-env-test")
                .env("VAULT_TOKEN", "hvs.fake-vault-token-for-env-test")
                .env("GITHUB_TOKEN", "ghs_inherited-token-must-not-pass")
                .run("codex:build").succeeded()
                .logLacks("dark");
        JsonNode env = record(build).path("env");
        assertEquals("dark", env.path("DOCS_THEME").asText());
        assertEquals("", env.path("EMPTY_ONE").asText("missing"));
        List<String> names = new ArrayList<>();
        record(build).path("envNames").forEach(n -> names.add(n.asText()));
        for (String withheld : List.of("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "VAULT_TOKEN",
                "GITHUB_TOKEN")) {
            assertFalse(names.contains(withheld), withheld + " reached docs-builder");
        }
        assertTrue(names.contains("PATH"));
    }

    @Test
    void invalidVariableNameFailsNamingTheKeyOnly() {
        scenario("invalid-environment-key").run("codex:build").failed()
                .logContains("<environmentVariables> has an invalid variable name 'BAD-NAME'")
                .logLacks("value-that-must-not-be-printed")
                .logLacks("Running ");
    }

    @Test
    void buildErrorsFailWithTheSummary() {
        scenario("build-errors").env("STANDIN_ERRORS", "2").run("codex:build").failed()
                .logContains("[ERROR] ::Elastic.Markdown:: Stand-in error 1 of 2")
                .logContains("[ERROR] ::Elastic.Markdown:: Stand-in error 2 of 2")
                .logContains("docs-builder failed with exit code 1 (the build has errors): 2 Errors / 0 Warnings / 0 Hints;"
                        + " fix the problems reported above.");
    }

    @Test
    void warningsAreRelayedAsWarnings() {
        scenario("build-errors").env("STANDIN_WARNINGS", "1").run("codex:build").succeeded()
                .logContains("[WARNING] ::")
                .logLacks("\u001b[");
    }

    @Test
    void usageErrorFailsExplainingIt() {
        scenario("usage-error").run("codex:build").failed()
                .logContains("--bogus")
                .logContains("docs-builder failed with exit code 2 (command-line usage error); check <arguments>");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Scenario scenario = scenario("timeout").env("STANDIN_SLEEP_SECONDS", "120").env("STANDIN_SPAWN_CHILD", "1");
        long started = System.nanoTime();
        Scenario.Build build = scenario.run("codex:build").failed()
                .logContains("docs-builder did not finish within 3 seconds and was stopped together with its child"
                        + " processes; raise <timeout> (codex.timeout) or set it to 0 for no limit.");
        assertTrue(System.nanoTime() - started < 100_000_000_000L, "the build waited for docs-builder to end");
        Path record = build.directory().resolve("record.json");
        for (String suffix : List.of(".pid", ".child-pid")) {
            long pid = Long.parseLong(Files.readString(Path.of(record + suffix)).trim());
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            assertFalse(process.isPresent() && process.get().isAlive(), "process " + pid + " (" + suffix + ") survived");
        }
    }

    @Test
    void missingExecutableSaysWhereItLooked() {
        Scenario.Build build = scenario("missing-executable").run("codex:build").failed();
        build.logContains("docs-builder executable " + build.directory().resolve("bin/no-such-docs-builder")
                + " does not exist; install docs-builder or set <executable> (codex.executable) to its absolute path.");
    }

    @Test
    void executableNotOnPathListsThePathSearched() {
        scenario("executable-not-on-path").run("codex:build").failed()
                .logContains("docs-builder executable 'docs-builder-not-installed' was not found on PATH ("
                        + Scenario.standInBin())
                .logContains("install docs-builder or set <executable> (codex.executable) to its absolute path.");
    }

    @Test
    void successWithoutLinksJsonFails() throws IOException {
        Scenario scenario = scenario("nothing-built").githubActions("push", "{}");
        // one left by an earlier build on a self-hosted runner must not pass for this build's
        Path stale = Files.createDirectories(scenario.directory().resolve("target/docs/html")).resolve("links.json");
        Files.writeString(stale, "{}");
        scenario.run("codex:build").failed()
                .logContains("docs-builder exited successfully but built nothing (no links.json in ")
                .logContains("holds a docset.yml or _docset.yml and that it is inside a git checkout.");
        assertFalse(Files.exists(stale));
    }

    @Test
    void outputIsRelayedAsItArrives() {
        Scenario.Build build = scenario("streaming").env("STANDIN_PAUSE_MS", "4000")
                .env("STANDIN_LINES", "first line before the pause").run("codex:build").succeeded();
        // Maven's own clock: the line before the pause must be logged well before the closing summary.
        build.logContains("first line before the pause");
        assertTrue(build.secondsBetween("first line before the pause", "Errors / ") >= 3,
                "the first line was not relayed before the pause ended:\n" + build.log());
    }

    @Test
    void pullRequestPrefix() throws IOException {
        Scenario.Build build = scenario("path-prefix-pull-request")
                .githubActions("pull_request", "{\"pull_request\":{\"number\":42}}").run("codex:build").succeeded();
        assertPrefix(build, "/_preview/elastic/docs-example/pull/42");
    }

    @Test
    void pushPrefix() throws IOException {
        Scenario.Build build = scenario("path-prefix-push").githubActions("push", "{}")
                .env("GITHUB_REF_NAME", "feature/x").run("codex:build").succeeded();
        assertPrefix(build, "/_preview/elastic/docs-example/tree/feature/x");
    }

    @Test
    void workflowDispatchPrefix() throws IOException {
        Scenario.Build build = scenario("path-prefix-workflow-dispatch").githubActions("workflow_dispatch", "{}")
                .run("codex:build").succeeded();
        assertPrefix(build, "/_preview/elastic/docs-example/tree/main");
    }

    @Test
    void mergeGroupPrefixComesFromTheQueuedPullRequest() throws IOException {
        Scenario.Build build = scenario("path-prefix-merge-group").githubActions("merge_group",
                "{\"merge_group\":{\"head_ref\":\"refs/heads/gh-readonly-queue/main/pr-17-0123abcd\"}}")
                .run("codex:build").succeeded();
        assertPrefix(build, "/_preview/elastic/docs-example/pull/17");
    }

    @Test
    void unsupportedEventFailsNamingItAndTheSetting() {
        scenario("path-prefix-unsupported-event").githubActions("schedule", "{}").run("codex:build").failed()
                .logContains("unsupported GitHub event 'schedule'")
                .logContains("set <pathPrefix> (codex.pathPrefix)")
                .logLacks("Running ");
    }

    @Test
    void inGitHubActionsTheJobGetsOutputsAndASummary() throws IOException {
        Scenario scenario = scenario("actions-report").githubActions("pull_request", "{\"pull_request\":{\"number\":7}}");
        Path outputs = scenario.directory().resolve("github-output");
        Path summary = scenario.directory().resolve("step-summary.md");
        Scenario.Build build = scenario.env("GITHUB_OUTPUT", outputs.toString())
                .env("GITHUB_STEP_SUMMARY", summary.toString())
                .run("codex:build").succeeded();
        assertEquals("path-prefix=/_preview/elastic/docs-example/pull/7\noutput-directory="
                + build.directory().resolve("target/docs/html") + "\n", Files.readString(outputs));
        String markdown = Files.readString(summary);
        assertTrue(markdown.startsWith("### Documentation build\n"), markdown);
        assertTrue(markdown.contains("| Path prefix | /_preview/elastic/docs-example/pull/7 |"), markdown);
        assertTrue(markdown.contains("| Output directory | " + build.directory().resolve("target/docs/html") + " |"),
                markdown);
        assertTrue(markdown.contains("| docs-builder | " + Scenario.standInBin().resolve("docs-builder")
                + " (configured <executable>) |"), markdown);
        assertTrue(markdown.contains("| Vault role | " + VaultRole.fromWorkflowRef(
                "elastic/docs-example/.github/workflows/docs.yml").orElseThrow() + " |"), markdown);
        assertTrue(markdown.contains("| GitHub token | not obtained: ACTIONS_ID_TOKEN_REQUEST_URL is not set"), markdown);
        assertTrue(markdown.contains("| Diagnostics | 0 Errors / 0 Warnings / 0 Hints |"), markdown);
        assertTrue(markdown.contains("| Result | succeeded |"), markdown);
        assertTrue(markdown.contains("| Duration | "), markdown);
    }

    @Test
    void inGitHubActionsAFailureBecomesAnErrorAnnotation() throws IOException {
        Scenario scenario = scenario("actions-report").githubActions("push", "{}").env("STANDIN_ERRORS", "1");
        Path summary = scenario.directory().resolve("step-summary.md");
        scenario.env("GITHUB_STEP_SUMMARY", summary.toString()).run("codex:build").failed()
                .logContains("\n::error file=docs/index.md,line=1::Stand-in error 1 of 1\n") // docs-builder's own
                .logContains("\n::error title=codex%3Abuild failed::docs-builder failed with exit code 1 (the build has"
                        + " errors): 1 Errors / 0 Warnings / 0 Hints; fix the problems reported above.\n");
        assertTrue(Files.readString(summary).contains("| Result | failed: docs-builder failed with exit code 1"));
    }

    @Test
    void helpDescribeDocumentsEveryParameter() {
        scenario("help-describe").property("plugin", "io.github.codexdocs:codex-maven-plugin")
                .property("detail", "true")
                .run("org.apache.maven.plugins:maven-help-plugin:3.5.1:describe").succeeded()
                .logContains("codex:build")
                .logContains("codex:doctor")
                .logContains("when any of its checks fails.")
                .logContains("codex:help")
                .logContains("failOnTokenError (Default: false)")
                .logContains("User property: codex.failOnTokenError")
                .logContains("skipTokenRevoke (Default: true)")
                .logContains("vaultSecretPath (Default: github/token/{role})")
                .logContains("The Vault path of the GitHub token; {role} stands for the role.")
                .logContains("User property: codex.timeout")
                .logContains("/_preview/OWNER/REPO/pull/NUMBER for pull")
                .logContains("(https://HOST/api/v3 for GitHub");
    }

    private static void assertPrefix(Scenario.Build build, String prefix) throws IOException {
        build.logContains(" --path-prefix " + prefix + "\n");
        List<String> args = args(record(build));
        int at = args.indexOf("--path-prefix");
        assertTrue(at >= 0, "no --path-prefix in " + args);
        assertEquals(prefix, args.get(at + 1));
    }
}
