package io.github.codexdocs.codex.testworld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.testworld.docsbuilder.LinkIndexRepo;
import io.github.codexdocs.codex.testworld.docsbuilder.StandInLauncher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitSmartHttpServerTest {

    private static final String REPO_PATH = "elastic/codex-link-index.git";

    @TempDir
    Path tmp;

    GitHubTokenRegistry tokens;
    GitSmartHttpServer server;
    Map<String, String> gitEnv;

    @BeforeEach
    void startServer() throws IOException {
        Path root = tmp.resolve("repos");
        Files.createDirectories(root.resolve("elastic"));
        LinkIndexRepo.createBare(root.resolve(REPO_PATH),
                Map.of("platform-observability-team", List.of("runbooks/index.md")),
                LinkIndexRepo.hermeticGitEnv(tmp.resolve("setup-home")));
        tokens = new GitHubTokenRegistry();
        server = GitSmartHttpServer.start(root, tokens);
        gitEnv = GitSmartHttpServer.gitEnvironmentFor(server, tmp.resolve("home"));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void fetchWithValidTokenChecksOutTheLinkIndex() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));

        Path checkout = fetch(LinkIndexRepo.tokenUrl(token), List.of(), true);

        assertTrue(Files.isRegularFile(checkout.resolve("internal/link-index.json")));
        assertTrue(Files.readString(checkout.resolve("internal/elastic/platform-observability-team/links.json"))
                .contains("runbooks/index.md"));
        assertTrue(server.authenticatedRequestCount() >= 2, server.requestLog()::toString);
        assertTrue(server.usersSeen().stream().allMatch("oauth2"::equals), server.usersSeen()::toString);
        assertFalse(server.usersSeen().isEmpty());
        // the request went through the proxy with host github.com; the token only ever was in Authorization
        assertTrue(server.requestLog().stream()
                .anyMatch(l -> l.startsWith("GET http://github.com/" + REPO_PATH + "/info/refs?service=git-upload-pack")),
                server.requestLog()::toString);
        assertTrue(server.requestLog().stream().anyMatch(l -> l.startsWith("POST http://github.com/" + REPO_PATH
                + "/git-upload-pack")), server.requestLog()::toString);
        assertFalse(server.sawOutsideAuthorization(token), server.requestLog()::toString);
        assertFalse(server.sawOutsideAuthorization(token.substring(4)), server.requestLog()::toString);
        assertTrue(server.backendErrors().isEmpty(), server.backendErrors()::toString);
        // protocol v2 is git's default
        assertTrue(server.requestLog().stream().anyMatch(l -> l.contains("version=2")), server.requestLog()::toString);
    }

    @Test
    void protocolVersionZeroWorksToo() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));

        Path checkout = fetch(LinkIndexRepo.tokenUrl(token), List.of("-c", "protocol.version=0"), true);

        assertTrue(Files.isRegularFile(checkout.resolve("internal/link-index.json")));
        assertFalse(server.requestLog().stream().anyMatch(l -> l.contains("version=2")), server.requestLog()::toString);
        assertTrue(server.backendErrors().isEmpty(), server.backendErrors()::toString);
    }

    @Test
    void anonymousFetchIsAnAuthenticationFailure() throws Exception {
        Git r = fetchFailing(LinkIndexRepo.HTTPS_URL);

        assertTrue(r.output.contains("fatal: could not read Username for 'http://github.com': terminal prompts "
                + "disabled"), r.output);
        assertEquals(0, server.authenticatedRequestCount());
        assertTrue(server.rejectedReasons().contains("no credentials"), server.rejectedReasons()::toString);
    }

    @Test
    void revokedTokenIsAnAuthenticationFailure() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        tokens.revoke(token);

        Git r = fetchFailing(LinkIndexRepo.tokenUrl(token));

        assertAuthenticationFailed(r, token);
    }

    @Test
    void expiredTokenIsAnAuthenticationFailure() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        tokens.expire(token);

        Git r = fetchFailing(LinkIndexRepo.tokenUrl(token));

        assertAuthenticationFailed(r, token);
    }

    @Test
    void unknownTokenIsAnAuthenticationFailure() throws Exception {
        Git r = fetchFailing(LinkIndexRepo.tokenUrl("ghs_" + "x".repeat(36)));

        assertAuthenticationFailed(r, "ghs_" + "x".repeat(36));
    }

    @Test
    void sshUrlFailsFastWithoutNetwork() throws Exception {
        long start = System.nanoTime();
        Git r = fetchFailing(LinkIndexRepo.SSH_URL);

        assertTrue(r.output.contains(GitSmartHttpServer.SSH_DISABLED_MESSAGE), r.output);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        assertEquals(0, server.requestCount());
    }

    @Test
    void servesDirectlyAndUnderstandsGzipRequestBodies() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        HttpClient client = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + token)
                .getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + REPO_PATH + "/info/refs?service=git-upload-pack")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertEquals("Basic realm=\"GitHub\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));

        HttpResponse<String> refs = client.send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + REPO_PATH + "/info/refs?service=git-upload-pack"))
                .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, refs.statusCode(), refs.body());
        assertEquals("application/x-git-upload-pack-advertisement",
                refs.headers().firstValue("Content-Type").orElse(null));
        assertTrue(refs.body().contains("refs/heads/main"), refs.body());

        // a protocol v2 ls-refs command, gzip-compressed like git does for large requests
        String v2 = pkt("command=ls-refs\n") + "0001" + pkt("peel\n") + "0000";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(v2.getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> lsRefs = client.send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + REPO_PATH + "/git-upload-pack"))
                .header("Authorization", auth)
                .header("Content-Type", "application/x-git-upload-pack-request")
                .header("Content-Encoding", "gzip")
                .header("Git-Protocol", "version=2")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, lsRefs.statusCode(), lsRefs.body());
        assertEquals("application/x-git-upload-pack-result", lsRefs.headers().firstValue("Content-Type").orElse(null));
        assertTrue(lsRefs.body().contains(" refs/heads/main"), lsRefs.body());

        // the same body chunked, without Content-Length (git does that for requests over http.postBuffer)
        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + REPO_PATH + "/git-upload-pack"))
                .header("Authorization", auth)
                .header("Content-Type", "application/x-git-upload-pack-request")
                .header("Content-Encoding", "gzip")
                .header("Git-Protocol", "version=2")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(gz.toByteArray())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, chunked.statusCode(), chunked.body());
        assertEquals(lsRefs.body(), chunked.body());
        assertEquals(List.of("x-access-token", "x-access-token", "x-access-token"), server.usersSeen());

        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "elastic/nope.git/info/refs?service=git-upload-pack"))
                .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertEquals(4, server.authenticatedRequestCount());
        assertEquals(5, server.requestCount());
        assertTrue(server.backendErrors().isEmpty() || server.backendErrors().stream()
                .allMatch(e -> e.contains("elastic/nope.git")), server.backendErrors()::toString);
    }

    // ----------------------------------------------------------------------------------------- support

    private static String pkt(String s) {
        return String.format("%04x", s.getBytes(StandardCharsets.UTF_8).length + 4) + s;
    }

    private void assertAuthenticationFailed(Git r, String token) {
        assertTrue(r.output.contains("remote: " + GitSmartHttpServer.UNAUTHORIZED_MESSAGE), r.output);
        assertTrue(r.output.contains("fatal: Authentication failed for 'http://github.com/" + REPO_PATH + "/'"),
                r.output);
        assertFalse(r.output.contains(token), r.output);
        assertEquals(0, server.authenticatedRequestCount());
        assertTrue(server.rejectedReasons().contains("invalid token for user 'oauth2'"),
                server.rejectedReasons()::toString);
        assertFalse(server.sawOutsideAuthorization(token), server.requestLog()::toString);
    }

    /** docs-builder's sequence: init, remote add, shallow fetch of HEAD, checkout FETCH_HEAD. */
    private Path fetch(String url, List<String> extraConfig, boolean mustSucceed) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "checkout");
        git(dir, List.of(), "init", "-q");
        git(dir, List.of(), "remote", "add", "origin", url);
        Git fetched = git(dir, extraConfig, "fetch", "--no-tags", "--prune", "--depth", "1", "origin", "HEAD");
        lastFetch = fetched;
        if (mustSucceed) {
            assertEquals(0, fetched.exit, fetched.output + server.requestLog() + server.backendErrors());
            Git checkout = git(dir, List.of(), "checkout", "--force", "FETCH_HEAD");
            assertEquals(0, checkout.exit, checkout.output);
        }
        return dir;
    }

    private Git lastFetch;

    private Git fetchFailing(String url) throws Exception {
        fetch(url, List.of(), false);
        assertNotEquals(0, lastFetch.exit, lastFetch.output);
        return lastFetch;
    }

    private Git git(Path dir, List<String> config, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(config);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(gitEnv);
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("git timed out: " + output);
        }
        return new Git(p.exitValue(), output);
    }

    private static final class Git {
        final int exit;
        final String output;

        Git(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }
}
