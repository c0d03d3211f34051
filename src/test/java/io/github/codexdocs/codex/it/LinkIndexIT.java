package io.github.codexdocs.codex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.codexdocs.codex.testworld.GitSmartHttpServer;
import io.github.codexdocs.codex.testworld.docsbuilder.DocsBuilderStandIn;
import io.github.codexdocs.codex.testworld.docsbuilder.LinkIndexRepo;
import io.github.codexdocs.codex.token.VaultRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The whole chain as in production: a docset with codex cross-links, the private link index behind GitHub-like
 * authentication on a loopback git host, and real git doing the fetch that docs-builder starts.
 */
@DisabledOnOs(OS.WINDOWS)
class LinkIndexIT {
    private static final String MISSING_PERMISSION = "docs-builder could not fetch the private codex link index"
            + " because no GitHub token was obtained (ACTIONS_ID_TOKEN_REQUEST_URL is not set, so this job may not"
            + " request an OIDC token): add `permissions: id-token: write` to the job (or the workflow).";
    private final TokenWorld world = new TokenWorld();
    private GitSmartHttpServer git;
    private Path repositories;

    @BeforeEach
    void startGitHost() throws IOException {
        repositories = Files.createTempDirectory(Files.createDirectories(
                Path.of(System.getProperty("codex.it.work", "target/it")).toAbsolutePath()), "link-index-host");
        Files.createDirectories(repositories.resolve("elastic"));
        LinkIndexRepo.createBare(repositories.resolve("elastic/codex-link-index.git"),
                Map.of("platform-observability-team", List.of("runbooks/index.md")),
                LinkIndexRepo.hermeticGitEnv(repositories.resolve("home")));
        git = GitSmartHttpServer.start(repositories, world.tokens);
    }

    @AfterEach
    void stop() {
        git.close();
        world.close();
    }

    /**
     * The {@code .git/config} of docs-builder's link index clone, where the stand-in puts it on this OS from the
     * scenario's {@code HOME} (set in {@link #scenario}) and {@code XDG_DATA_HOME} (set by {@link Scenario}).
     */
    private static Path cloneConfig(Path scenarioDirectory) {
        return DocsBuilderStandIn.linkIndexFolder(Map.of("HOME", scenarioDirectory.resolve("home").toString(),
                "XDG_DATA_HOME", scenarioDirectory.resolve("data").toString()), System.getProperty("os.name"))
                .resolve(".git").resolve("config");
    }

    private Scenario scenario(String name) {
        Scenario scenario = Scenario.withStandIn(name);
        GitSmartHttpServer.gitEnvironmentFor(git, scenario.directory().resolve("home")).forEach(scenario::env);
        return scenario;
    }

    /** No secret in the log, the project, target/, docs-builder's data folder or the recorded command line. */
    private void assertNoSecretLeft(Scenario.Build build) throws IOException {
        build.containsNoSecret(world.secrets());
        Path config = cloneConfig(build.directory());
        if (Files.exists(config)) {
            String text = Files.readString(config);
            assertFalse(text.contains("@github.com"), "credentials stored in the clone's remote:\n" + text);
        }
    }

    @Test
    void aConfiguredJobFetchesTheLinkIndexAndResolvesTheLinks() throws IOException {
        Scenario.Build build = world.job(scenario("link-index-with-token")).run("codex:build").succeeded()
                .logContains("Obtained a GitHub token from Vault")
                .logContains("Documentation built in ");
        String html = Files.readString(build.directory().resolve("target/docs/html/index.html"));
        assertTrue(html.contains("https://codex.elastic.dev/r/platform-observability-team/runbooks/"), html);
        assertTrue(Files.readString(cloneConfig(build.directory()))
                .contains("url = https://github.com/elastic/codex-link-index.git"));
        assertTrue(git.authenticatedRequestCount() > 0);
        assertNoSecretLeft(build);
    }

    @Test
    void withoutIdTokenPermissionTheFetchFailsAndTheFailureNamesThePermission() throws IOException {
        Scenario.Build build = world.jobWithoutIdToken(scenario("link-index-without-id-token")).run("codex:build")
                .failed()
                .logContains("could not read Username for 'https://github.com'")
                .logContains("Failed to fetch link index registry")
                .logContains("docs-builder failed with exit code 1 (the build has errors): ")
                .logContains(MISSING_PERMISSION);
        assertNoSecretLeft(build);
    }

    @Test
    void anUnregisteredPolicyFailsWithTheTokenFailuresCauseAndFix() throws IOException {
        String workflowRef = "elastic/docs-example/.github/workflows/preview.yml@refs/pull/3/merge";
        String role = VaultRole.fromWorkflowRef(workflowRef).orElseThrow();
        world.issuer.claim("workflow_ref", workflowRef);
        Scenario.Build build = world.job(scenario("link-index-unregistered-role")).env("GITHUB_WORKFLOW_REF", workflowRef)
                .run("codex:build").failed()
                .logContains("[WARNING] No GitHub token: logging in to Vault failed: Vault has no role '" + role + "'")
                .logContains("Failed to fetch link index registry")
                .logContains("docs-builder could not fetch the private codex link index because no GitHub token was"
                        + " obtained (Vault has no role '" + role + "' (HTTP 400: role \"" + role + "\" could not be"
                        + " found)): register the token policy for this workflow, or set <vaultRole> (codex.vaultRole)"
                        + " to a registered role.");
        assertEquals(1, world.vault.requestCount());
        assertNoSecretLeft(build);
    }

    @Test
    void aDocsetWithoutCrossLinksNeedsNoToken() throws IOException {
        Scenario.Build build = world.jobWithoutIdToken(scenario("token-no-id-token-permission")).run("codex:build")
                .succeeded()
                .logContains("[WARNING] No GitHub token: ");
        assertEquals(0, git.requestCount());
        assertNoSecretLeft(build);
    }

    @Test
    void aRevokedTokenIsReplacedOnTheNextBuild() throws IOException {
        Scenario scenario = world.job(scenario("link-index-token-refresh"));
        assertNoSecretLeft(scenario.run("codex:build").succeeded());
        String first = world.tokens.minted().get(0);
        assertTrue(world.tokens.revoke(first));
        Scenario.Build second = scenario.run("codex:build").succeeded();
        assertEquals(2, world.tokens.minted().size(), "the second build did not get a fresh token");
        assertNoSecretLeft(second);
    }

    @Test
    void aCloneFirstMadeWithoutATokenOrOverSshIsNotStuck() throws IOException {
        Scenario scenario = scenario("link-index-token-refresh");
        scenario.run("codex:build").failed().logContains("could not fetch the codex link index over SSH");
        world.jobWithoutIdToken(scenario).run("codex:build").failed().logContains(MISSING_PERMISSION);
        Scenario.Build build = world.job(scenario).run("codex:build").succeeded();
        assertNoSecretLeft(build);
    }

    @Test
    void aTokenWithoutAccessIsReportedAsSuch() throws IOException {
        world.vault.gitHubTokenTtl(Duration.ofMillis(1));
        Scenario.Build build = world.job(scenario("link-index-with-token")).run("codex:build").failed()
                .logContains("docs-builder could not fetch the private codex link index although a GitHub token was"
                        + " obtained from Vault role " + TokenWorld.ROLE + ": check that the role's token policy grants"
                        + " read access to elastic/codex-link-index.");
        assertNoSecretLeft(build);
    }

    @Test
    void aTimeoutStopsDocsBuildersGitToo() throws Exception {
        git.hangRequests(true);
        Scenario scenario = world.job(scenario("link-index-with-token")).property("codex.timeout", "8");
        CompletableFuture<Scenario.Build> running = CompletableFuture.supplyAsync(() -> scenario.run("codex:build"));
        List<ProcessHandle> gitProcesses = gitProcessesWhileTheFetchHangs(scenario, () -> !running.isDone());
        Scenario.Build build = running.get(120, TimeUnit.SECONDS).failed()
                .logContains("docs-builder did not finish within 8 seconds and was stopped together with its child");
        assertAllDead(gitProcesses);
        assertNoSecretLeft(build);
    }

    @Test
    void ctrlCDuringTheFetchStopsDocsBuildersGitAndLeavesNoSecret() throws Exception {
        git.hangRequests(true);
        Scenario scenario = world.job(scenario("link-index-with-token"));
        Process maven = scenario.start("codex:build");
        try {
            List<ProcessHandle> processes = new ArrayList<>(gitProcessesWhileTheFetchHangs(scenario, maven::isAlive));
            long docsBuilder = new ObjectMapper().readTree(scenario.directory().resolve("record.json").toFile())
                    .path("pid").asLong();
            processes.add(ProcessHandle.of(docsBuilder).orElseThrow(() -> new AssertionError("docs-builder ended")));
            new ProcessBuilder("kill", "-INT", Long.toString(maven.pid())).start().waitFor(); // Ctrl+C
            assertTrue(maven.waitFor(60, TimeUnit.SECONDS), "Maven did not stop");
            assertAllDead(processes);
            // Maven may exit before it reports the failure, but it never blames docs-builder's exit code
            assertNoSecretLeft(scenario.ended(maven).logLacks("docs-builder failed with exit code"));
        } finally {
            maven.destroyForcibly();
        }
    }

    /**
     * Once the git host holds a request of the fetch docs-builder started (while {@code mavenRunning}): the git
     * processes the stand-in recorded in {@code record.json.git-pids} that are still running, which must be that
     * {@code git fetch} alone, with their descendants ({@code git remote-https} and {@code git-remote-http}).
     */
    private List<ProcessHandle> gitProcessesWhileTheFetchHangs(Scenario scenario, BooleanSupplier mavenRunning)
            throws Exception {
        Path gitPids = scenario.directory().resolve("record.json.git-pids");
        for (int i = 0; i < 600 && mavenRunning.getAsBoolean()
                && !(git.hungRequestCount() > 0 && Files.exists(gitPids) && Files.readString(gitPids).contains(" fetch\n"));
                i++) {
            Thread.sleep(100);
        }
        assertTrue(git.hungRequestCount() > 0, () -> "no request of docs-builder's git reached the git host:\n"
                + buildLog(scenario));
        List<ProcessHandle> processes = new ArrayList<>();
        List<String> running = new ArrayList<>();
        for (String line : Files.readAllLines(gitPids)) {
            String[] pidAndCommand = line.split(" ", 2);
            ProcessHandle.of(Long.parseLong(pidAndCommand[0])).filter(ProcessHandle::isAlive).ifPresent(process -> {
                running.add(pidAndCommand[1]);
                processes.add(process);
                process.descendants().forEach(processes::add);
            });
        }
        assertEquals(List.of("fetch"), running, "the git processes of docs-builder running while the host hangs");
        assertTrue(processes.size() > 1, () -> "git fetch has no helper processes: " + describe(processes));
        return processes;
    }

    private static String buildLog(Scenario scenario) {
        try {
            return Files.readString(scenario.directory().resolve("build.log"));
        } catch (IOException e) {
            return "(no build.log: " + e.getMessage() + ")";
        }
    }

    /** Each process has ended, or ends within a few seconds (a process killed forcibly may take a moment). */
    private static void assertAllDead(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException stillRunning) {
                // reported below
            }
        }
        List<ProcessHandle> survivors = processes.stream().filter(ProcessHandle::isAlive).toList();
        assertTrue(survivors.isEmpty(), () -> "processes survived: " + describe(survivors));
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().command().orElse("?")).toList().toString();
    }
}
