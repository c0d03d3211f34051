package io.github.codexdocs.codex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.testworld.GitSmartHttpServer;
import io.github.codexdocs.codex.testworld.docsbuilder.DocsBuilderStandIn;
import io.github.codexdocs.codex.testworld.docsbuilder.LinkIndexRepo;
import io.github.codexdocs.codex.token.VaultRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
    void aTimeoutStopsDocsBuildersGitToo() throws IOException {
        Instant started = Instant.now();
        git.hangRequests(true);
        Scenario.Build build = world.job(scenario("link-index-with-token")).property("codex.timeout", "8")
                .run("codex:build").failed()
                .logContains("docs-builder did not finish within 8 seconds and was stopped together with its child");
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().startInstant().map(s -> s.isAfter(started)).orElse(false))
                .filter(p -> p.info().command().map(c -> c.endsWith("/git") || c.contains("git-remote-http"))
                        .orElse(false))
                .toList();
        assertTrue(left.isEmpty(), "git processes survived: " + left.stream().map(p -> p.info().toString()).toList());
        assertNoSecretLeft(build);
    }
}
