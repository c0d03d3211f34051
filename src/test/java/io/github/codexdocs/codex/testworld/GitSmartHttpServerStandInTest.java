package io.github.codexdocs.codex.testworld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.testworld.docsbuilder.LinkIndexRepo;
import io.github.codexdocs.codex.testworld.docsbuilder.StandInLauncher;
import io.github.codexdocs.codex.testworld.docsbuilder.StandInProcess;
import io.github.codexdocs.codex.testworld.docsbuilder.StandInProcess.Result;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs-builder stand-in fetching the codex link index from {@link GitSmartHttpServer} with its GitHub URLs. */
class GitSmartHttpServerStandInTest {

    private static final String DOCSET = String.join("\n",
            "project: 'Test docs'",
            "registry: internal",
            "cross_links:",
            "  - platform-observability-team      # inherits 'internal'",
            "  - public://elasticsearch",
            "toc:",
            "  - file: index.md",
            "");

    @TempDir
    static Path shared;
    static Path launcher;

    @TempDir
    Path tmp;
    Path repo;
    GitHubTokenRegistry tokens;
    GitSmartHttpServer server;

    @BeforeAll
    static void installLauncher() {
        launcher = StandInLauncher.install(shared.resolve("bin"));
    }

    @BeforeEach
    void setUp() throws IOException {
        Map<String, String> setupEnv = LinkIndexRepo.hermeticGitEnv(tmp.resolve("setup-home"));
        Path root = tmp.resolve("repos");
        Files.createDirectories(root.resolve("elastic"));
        LinkIndexRepo.createBare(root.resolve("elastic/codex-link-index.git"),
                Map.of("platform-observability-team", List.of("runbooks/index.md")), setupEnv);
        tokens = new GitHubTokenRegistry();
        server = GitSmartHttpServer.start(root, tokens);

        repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("docs"));
        LinkIndexRepo.git(repo, setupEnv, "init", "-q");
        Files.writeString(repo.resolve("docs/docset.yml"), DOCSET, StandardCharsets.UTF_8);
        Files.writeString(repo.resolve("docs/index.md"), "# Home page\n\n"
                + "[Runbook](platform-observability-team://runbooks/index.md) and "
                + "[ES](elasticsearch://reference/index.md).\n", StandardCharsets.UTF_8);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void validTokenResolvesTheCrossLink() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));

        Result r = run(Map.of("GITHUB_ACTIONS", "true", "GITHUB_TOKEN", token));

        assertEquals(0, r.exit, r::toString);
        assertFalse(r.stdout.contains(token), r::toString);
        assertFalse(r.stdout.contains("Failed to fetch link index registry"), r::toString);
        String index = Files.readString(repo.resolve(".artifacts/docs/html/index.html"));
        assertTrue(index.contains("<a href=\"https://codex.elastic.dev/r/platform-observability-team/runbooks/\">"
                + "Runbook</a>"), index);
        assertTrue(server.authenticatedRequestCount() >= 2, server.requestLog()::toString);
        assertTrue(server.usersSeen().contains("oauth2"), server.usersSeen()::toString);
        assertFalse(server.sawOutsideAuthorization(token), server.requestLog()::toString);
        assertTrue(server.connectTargets().stream().allMatch("github.com:443"::equals),
                server.connectTargets()::toString);
        // docs-builder stores the token URL in the checkout's config, and git uses it as it is
        String config = Files.readString(tmp.resolve("data/elastic/docs-builder/codex-link-index/.git/config"));
        assertTrue(config.contains(LinkIndexRepo.tokenUrl(token)), config);
    }

    /**
     * The plugin's way: no GITHUB_TOKEN, so docs-builder uses the credential-less URL, and the token comes only
     * through git configuration in the environment, which docs-builder's git inherits.
     */
    @Test
    void extraheaderFromTheEnvironmentResolvesTheCrossLink() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        String header = "AUTHORIZATION: basic " + Base64.getEncoder().encodeToString(("x-access-token:" + token)
                .getBytes(StandardCharsets.UTF_8));
        Path record = tmp.resolve("record.json");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GITHUB_ACTIONS", "true");
        env.put("STANDIN_RECORD", record.toString());
        env.put("GIT_CONFIG_COUNT", "1");
        env.put("GIT_CONFIG_KEY_0", "http.https://github.com/.extraheader");
        env.put("GIT_CONFIG_VALUE_0", header);

        Result r = run(env);

        assertEquals(0, r.exit, r::toString);
        assertFalse(r.stdout.contains("Failed to fetch link index registry"), r::toString);
        String index = Files.readString(repo.resolve(".artifacts/docs/html/index.html"));
        assertTrue(index.contains("<a href=\"https://codex.elastic.dev/r/platform-observability-team/runbooks/\">"
                + "Runbook</a>"), index);
        assertEquals(List.of(), server.rejectedReasons());
        assertTrue(server.authenticatedRequestCount() >= 2, server.requestLog()::toString);
        assertTrue(server.usersSeen().stream().allMatch("x-access-token"::equals), server.usersSeen()::toString);
        assertFalse(server.sawOutsideAuthorization(token), server.requestLog()::toString);
        assertTrue(server.connectTargets().stream().allMatch("github.com:443"::equals),
                server.connectTargets()::toString);
        // nothing of the token on disk: not in the checkout, not in the record
        String config = Files.readString(tmp.resolve("data/elastic/docs-builder/codex-link-index/.git/config"));
        assertTrue(config.contains("url = " + LinkIndexRepo.HTTPS_URL), config);
        assertFalse(config.contains(token) || config.contains(header.substring(21)), config);
        String recorded = Files.readString(record);
        assertFalse(recorded.contains(token) || recorded.contains(header.substring(21)), recorded);
        assertTrue(recorded.contains("\"GIT_CONFIG_VALUE_0\": \"sha256:"), recorded);
        assertFalse(r.stdout.contains(token) || r.stdout.contains(header.substring(21)), r::toString);
    }

    /** A hanging git host blocks docs-builder's git; killing the whole process tree ends it. */
    @Test
    void hangingFetchBlocksUntilTheProcessTreeIsKilled() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        server.hangRequests(true);
        Process p = start(Map.of("GITHUB_ACTIONS", "true", "GITHUB_TOKEN", token));
        List<ProcessHandle> tree = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.hungRequestCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, server.hungRequestCount(), server.requestLog()::toString);
            assertFalse(p.waitFor(1, TimeUnit.SECONDS), "docs-builder must still be waiting for git");
            tree.addAll(p.descendants().toList());
            assertTrue(tree.stream().anyMatch(h -> h.info().arguments().map(List::of).orElse(List.of())
                    .contains("fetch")), () -> tree.stream().map(h -> h.info().toString()).toList().toString());
            assertTrue(tree.stream().anyMatch(h -> h.info().command().orElse("").endsWith("git-remote-http")),
                    () -> tree.stream().map(h -> h.info().toString()).toList().toString());
            p.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            for (ProcessHandle h : tree) {
                h.onExit().get(10, TimeUnit.SECONDS);
                assertFalse(h.isAlive(), h::toString);
            }
            assertEquals(0, server.authenticatedRequestCount());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void withoutTokenTheFetchFailsAndTheCrossLinkIsAnError() throws Exception {
        Result r = run(Map.of("GITHUB_ACTIONS", "true"));

        assertEquals(1, r.exit, r::toString);
        assertTrue(r.stdout.contains("Failed to fetch link index registry from "
                + "https://github.com/elastic/codex-link-index"), r::toString);
        assertTrue(r.stdout.contains("could not read Username for 'https://github.com': terminal prompts disabled"),
                r::toString);
        assertTrue(r.stdout.contains("'runbooks/index.md' is not a valid link in the 'platform-observability-team'"
                + " cross link index: "), r::toString);
        assertEquals(0, server.authenticatedRequestCount());
        assertTrue(server.rejectedReasons().contains("no credentials"), server.rejectedReasons()::toString);
    }

    @Test
    void revokedTokenFailsTheFetch() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        tokens.revoke(token);

        Result r = run(Map.of("GITHUB_ACTIONS", "true", "GITHUB_TOKEN", token));

        assertEquals(1, r.exit, r::toString);
        assertTrue(r.stdout.contains("Failed to fetch link index registry"), r::toString);
        assertTrue(r.stdout.contains("Authentication failed for 'https://github.com/elastic/codex-link-index.git/'"),
                r::toString);
        assertFalse(r.stdout.contains(token), r::toString);
        assertFalse(server.sawOutsideAuthorization(token), server.requestLog()::toString);
    }

    @Test
    void sshWithoutGitHubActionsFailsFast() throws Exception {
        Result r = run(Map.of());

        assertEquals(1, r.exit, r::toString);
        assertTrue(r.stdout.contains(GitSmartHttpServer.SSH_DISABLED_MESSAGE), r::toString);
        assertTrue(r.stdout.contains("Failed to fetch link index registry"), r::toString);
        assertEquals(0, server.requestCount());
        assertEquals(List.of(), server.connectTargets());
    }

    // ----------------------------------------------------------------------------------------- support

    /** Runs the stand-in in {@code repo} with a clean environment plus {@link GitSmartHttpServer#gitEnvironmentFor}. */
    private Result run(Map<String, String> env) throws Exception {
        Process p = start(env);
        return StandInProcess.finish(p, stdout, stderr);
    }

    private Path stdout;
    private Path stderr;

    private Process start(Map<String, String> env) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(GitSmartHttpServer.gitEnvironmentFor(server, tmp.resolve("home")));
        all.putAll(env);
        stdout = Files.createTempFile(tmp, "stdout", ".txt");
        stderr = Files.createTempFile(tmp, "stderr", ".txt");
        return StandInProcess.start(StandInProcess.builder(launcher, repo, tmp, all), stdout, stderr);
    }
}
