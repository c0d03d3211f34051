package io.github.codexdocs.codex.testworld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.codexdocs.codex.testworld.docsbuilder.LinkIndexRepo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
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

    /** The plugin's way: the token only in an extraheader for https://github.com/, passed through the environment. */
    @Test
    void extraheaderTokenFromTheEnvironmentFetchesTheCredentialLessUrl() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));

        Path checkout = fetch(LinkIndexRepo.HTTPS_URL, extraheader(token), List.of(), true);

        assertTrue(Files.isRegularFile(checkout.resolve("internal/link-index.json")));
        assertTrue(Files.readString(checkout.resolve("internal/elastic/platform-observability-team/links.json"))
                .contains("runbooks/index.md"));
        // the extraheader goes with every request, so nothing is rejected
        assertEquals(List.of(), server.rejectedReasons());
        assertTrue(server.authenticatedRequestCount() >= 2, server.requestLog()::toString);
        assertEquals(server.requestCount(), server.authenticatedRequestCount());
        assertTrue(server.usersSeen().stream().allMatch("x-access-token"::equals), server.usersSeen()::toString);
        // through the proxy, as github.com, with the URL unchanged
        assertFalse(server.connectTargets().isEmpty());
        assertTrue(server.connectTargets().stream().allMatch("github.com:443"::equals),
                server.connectTargets()::toString);
        assertTrue(server.requestLog().stream().anyMatch(l -> l.startsWith("GET /" + REPO_PATH
                + "/info/refs?service=git-upload-pack") && l.contains("Host: github.com")), server.requestLog()::toString);
        assertTrue(server.requestLog().stream().anyMatch(l -> l.startsWith("POST /" + REPO_PATH + "/git-upload-pack")),
                server.requestLog()::toString);
        assertTokenNeverOutsideAuthorization(token);
        assertTrue(server.backendErrors().isEmpty(), server.backendErrors()::toString);
        assertTrue(server.requestLog().stream().anyMatch(l -> l.contains("version=2")), server.requestLog()::toString);
        // nothing of the token on disk
        String config = Files.readString(checkout.resolve(".git/config"));
        assertTrue(config.contains("url = " + LinkIndexRepo.HTTPS_URL), config);
        assertFalse(config.contains(token), config);
        assertFalse(config.contains(basic(token)), config);
    }

    @Test
    void extraheaderForAnotherHostIsNotSentToGitHub() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        Map<String, String> env = extraheader(token);
        env.put("GIT_CONFIG_KEY_0", "http.https://example.com/.extraheader");

        Git r = fetchFailing(LinkIndexRepo.HTTPS_URL, env);

        assertEquals(ANONYMOUS_FAILURE + "\n", r.output);
        assertEquals(List.of("no credentials"), server.rejectedReasons());
    }

    @Test
    void extraheaderWithRevokedTokenIsAnAuthenticationFailure() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        tokens.revoke(token);

        Git r = fetchFailing(LinkIndexRepo.HTTPS_URL, extraheader(token));

        assertEquals(ANONYMOUS_FAILURE + "\n", r.output);
        assertFalse(r.output.contains(token), r.output);
        assertEquals(0, server.authenticatedRequestCount());
        assertTrue(server.rejectedReasons().contains("invalid token for user 'x-access-token'"),
                server.rejectedReasons()::toString);
        assertTokenNeverOutsideAuthorization(token);
    }

    @Test
    void tokenUrlWorksThroughTheProxy() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));

        Path checkout = fetch(LinkIndexRepo.tokenUrl(token), Map.of(), List.of(), true);

        assertTrue(Files.isRegularFile(checkout.resolve("internal/link-index.json")));
        assertTrue(server.authenticatedRequestCount() >= 2, server.requestLog()::toString);
        assertTrue(server.usersSeen().stream().allMatch("oauth2"::equals), server.usersSeen()::toString);
        assertFalse(server.usersSeen().isEmpty());
        assertTrue(server.connectTargets().stream().allMatch("github.com:443"::equals),
                server.connectTargets()::toString);
        assertTrue(server.requestLog().stream().anyMatch(l -> l.startsWith("GET /" + REPO_PATH
                + "/info/refs?service=git-upload-pack")), server.requestLog()::toString);
        assertTokenNeverOutsideAuthorization(token);
        assertTrue(server.backendErrors().isEmpty(), server.backendErrors()::toString);
    }

    @Test
    void protocolVersionZeroWorksToo() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));

        Path checkout = fetch(LinkIndexRepo.HTTPS_URL, extraheader(token), List.of("-c", "protocol.version=0"), true);

        assertTrue(Files.isRegularFile(checkout.resolve("internal/link-index.json")));
        assertFalse(server.requestLog().stream().anyMatch(l -> l.contains("version=2")), server.requestLog()::toString);
        assertTrue(server.backendErrors().isEmpty(), server.backendErrors()::toString);
    }

    @Test
    void anonymousFetchIsAnAuthenticationFailure() throws Exception {
        Git r = fetchFailing(LinkIndexRepo.HTTPS_URL, Map.of());

        assertEquals(ANONYMOUS_FAILURE + "\n", r.output);
        assertEquals(0, server.authenticatedRequestCount());
        assertTrue(server.rejectedReasons().contains("no credentials"), server.rejectedReasons()::toString);
    }

    @Test
    void revokedTokenIsAnAuthenticationFailure() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        tokens.revoke(token);

        Git r = fetchFailing(LinkIndexRepo.tokenUrl(token), Map.of());

        assertAuthenticationFailed(r, token);
    }

    @Test
    void expiredTokenIsAnAuthenticationFailure() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        tokens.expire(token);

        Git r = fetchFailing(LinkIndexRepo.tokenUrl(token), Map.of());

        assertAuthenticationFailed(r, token);
    }

    @Test
    void unknownTokenIsAnAuthenticationFailure() throws Exception {
        Git r = fetchFailing(LinkIndexRepo.tokenUrl("ghs_" + "x".repeat(36)), Map.of());

        assertAuthenticationFailed(r, "ghs_" + "x".repeat(36));
    }

    @Test
    void sshUrlFailsFastWithoutNetwork() throws Exception {
        long start = System.nanoTime();
        Git r = fetchFailing(LinkIndexRepo.SSH_URL, Map.of());

        assertTrue(r.output.contains(GitSmartHttpServer.SSH_DISABLED_MESSAGE), r.output);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        assertEquals(0, server.requestCount());
        assertEquals(List.of(), server.connectTargets());
    }

    @Test
    void theProxyTunnelsOnlyToGitHub() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        Git r = fetchFailing("https://gitlab.com/" + REPO_PATH, extraheader(token));

        assertTrue(r.output.contains("fatal: unable to access 'https://gitlab.com/" + REPO_PATH + "/': CONNECT tunnel "
                + "failed, response 403"), r.output);
        assertEquals(List.of("gitlab.com:443"), server.connectTargets());
        assertEquals(0, server.requestCount());

        URI proxy = URI.create(server.proxyUrl());
        for (String request : List.of("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
                "CONNECT github.com:80 HTTP/1.1\r\nHost: github.com:80\r\n\r\n",
                "GET http://github.com/ HTTP/1.1\r\nHost: github.com\r\n\r\n")) {
            try (Socket socket = new Socket(proxy.getHost(), proxy.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 403 "), reply);
            }
        }
        try (Socket socket = new Socket(proxy.getHost(), proxy.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("CONNECT GitHub.com:443 HTTP/1.1\r\nHost: github.com:443\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] reply = socket.getInputStream().readNBytes(39);
            assertEquals("HTTP/1.1 200 Connection established\r\n\r\n", new String(reply, StandardCharsets.US_ASCII));
        }
        assertEquals(List.of("gitlab.com:443", "example.com:443", "github.com:80", "http://github.com/",
                "GitHub.com:443"), server.connectTargets());
    }

    @Test
    void gitVerifiesTheCertificate() throws Exception {
        Path bundle = Path.of("/etc/ssl/certs/ca-certificates.crt");
        assumeTrue(Files.isRegularFile(bundle), "needs the system CA bundle");
        String token = tokens.mint(Duration.ofHours(1));
        Map<String, String> env = extraheader(token);
        env.put("GIT_SSL_CAINFO", bundle.toString());

        Git r = fetchFailing(LinkIndexRepo.HTTPS_URL, env);

        assertTrue(r.output.contains("fatal: unable to access 'https://github.com/" + REPO_PATH + "/': server "
                + "certificate verification failed. CAfile: " + bundle + " CRLfile: none"), r.output);
        assertEquals(0, server.requestCount());
        assertEquals(List.of("github.com:443"), server.connectTargets());
    }

    @Test
    void hangingServerBlocksTheFetchUntilTheProcessIsKilled() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        Path dir = Files.createTempDirectory(tmp, "checkout");
        git(dir, Map.of(), List.of(), "init", "-q");
        git(dir, Map.of(), List.of(), "remote", "add", "origin", LinkIndexRepo.HTTPS_URL);
        server.hangRequests(true);

        ProcessBuilder pb = new ProcessBuilder("git", "fetch", "--no-tags", "--prune", "--depth", "1", "origin",
                "HEAD").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("hang.txt").toFile());
        pb.environment().putAll(gitEnv);
        pb.environment().putAll(extraheader(token));
        Process fetch = pb.start();
        List<ProcessHandle> helpers = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.hungRequestCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, server.hungRequestCount(), server.requestLog()::toString);
            assertFalse(fetch.waitFor(1, TimeUnit.SECONDS), "the fetch must still be waiting");
            // git fetch runs "git remote-https" and that git-remote-http, which does the HTTP
            helpers.addAll(fetch.descendants().toList());
            assertTrue(helpers.stream().anyMatch(h -> h.info().command().orElse("").endsWith("git-remote-http")),
                    () -> helpers.stream().map(h -> h.info().toString()).toList().toString());
            // killing git fetch alone leaves its helpers blocked on the server: the whole tree must be killed
            fetch.destroyForcibly();
            assertTrue(fetch.waitFor(10, TimeUnit.SECONDS));
            Thread.sleep(500);
            assertTrue(helpers.stream().allMatch(ProcessHandle::isAlive),
                    () -> helpers.stream().map(h -> h.info() + " alive=" + h.isAlive()).toList().toString());
            helpers.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : helpers) {
                h.onExit().get(10, TimeUnit.SECONDS);
                assertFalse(h.isAlive(), h::toString);
            }
            assertEquals(0, server.authenticatedRequestCount());
            assertEquals(1, server.requestCount());
        } finally {
            fetch.descendants().forEach(ProcessHandle::destroyForcibly);
            fetch.destroyForcibly();
            helpers.forEach(ProcessHandle::destroyForcibly);
        }
        // released, the same fetch goes through
        server.hangRequests(false);
        Git again = git(dir, extraheader(token), List.of(), "fetch", "--no-tags", "--prune", "--depth", "1", "origin",
                "HEAD");
        assertEquals(0, again.exit, again.output);
        assertEquals(1, server.hungRequestCount());
    }

    @Test
    void servesDirectlyAndUnderstandsGzipRequestBodies() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        HttpClient client = HttpClient.newBuilder().sslContext(server.clientSslContext()).build();
        assertTrue(server.baseUrl().startsWith("https://127.0.0.1:"), server.baseUrl());
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

    @Test
    void onlyDocsBuildersAndThePluginsUserNamesAreAccepted() throws Exception {
        String token = tokens.mint(Duration.ofHours(1));
        HttpClient client = HttpClient.newBuilder().sslContext(server.clientSslContext()).build();
        for (String user : List.of("oauth2", "x-access-token", "someone", "")) {
            HttpResponse<String> refs = client.send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + REPO_PATH + "/info/refs?service=git-upload-pack"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + token)
                            .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
            boolean accepted = GitSmartHttpServer.USERS.contains(user);
            assertEquals(accepted ? 200 : 401, refs.statusCode(), user);
            if (!accepted) {
                assertEquals(GitSmartHttpServer.UNAUTHORIZED_MESSAGE, refs.body());
                assertEquals("Basic realm=\"GitHub\"", refs.headers().firstValue("WWW-Authenticate").orElse(null));
            }
        }
        assertEquals(List.of("oauth2", "x-access-token"), GitSmartHttpServer.USERS);
        assertEquals(List.of("unknown user 'someone'", "unknown user ''"), server.rejectedReasons());
        assertEquals(2, server.authenticatedRequestCount());

        Git r = fetchFailing("https://someone:" + token + "@github.com/" + REPO_PATH, Map.of());
        assertTrue(r.output.contains("fatal: Authentication failed for 'https://github.com/" + REPO_PATH + "/'"),
                r.output);
        assertFalse(r.output.contains(token), r.output);
        assertEquals(2, server.authenticatedRequestCount());
    }

    // ----------------------------------------------------------------------------------------- support

    private static String pkt(String s) {
        return String.format("%04x", s.getBytes(StandardCharsets.UTF_8).length + 4) + s;
    }

    private static final String ANONYMOUS_FAILURE =
            "fatal: could not read Username for 'https://github.com': terminal prompts disabled";

    /** What the plugin adds to docs-builder's environment: a GitHub-scoped extraheader with the token. */
    private static Map<String, String> extraheader(String token) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GIT_CONFIG_COUNT", "1");
        env.put("GIT_CONFIG_KEY_0", "http.https://github.com/.extraheader");
        env.put("GIT_CONFIG_VALUE_0", "AUTHORIZATION: basic " + basic(token));
        return env;
    }

    private static String basic(String token) {
        return Base64.getEncoder().encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8));
    }

    private void assertTokenNeverOutsideAuthorization(String token) {
        assertFalse(server.sawOutsideAuthorization(token), server.requestLog()::toString);
        assertFalse(server.sawOutsideAuthorization(token.substring(4)), server.requestLog()::toString);
        assertFalse(server.sawOutsideAuthorization(basic(token)), server.requestLog()::toString);
        for (String line : server.requestLog()) {
            String target = line.split(" ", 3)[1];
            assertFalse(target.contains(token), line);
            assertTrue(target.startsWith("/" + REPO_PATH + "/"), line);
        }
    }

    private void assertAuthenticationFailed(Git r, String token) {
        assertTrue(r.output.contains("remote: " + GitSmartHttpServer.UNAUTHORIZED_MESSAGE), r.output);
        assertTrue(r.output.contains("fatal: Authentication failed for 'https://github.com/" + REPO_PATH + "/'"),
                r.output);
        assertFalse(r.output.contains(token), r.output);
        assertEquals(0, server.authenticatedRequestCount());
        assertTrue(server.rejectedReasons().contains("invalid token for user 'oauth2'"),
                server.rejectedReasons()::toString);
        assertTokenNeverOutsideAuthorization(token);
    }

    /** docs-builder's sequence: init, remote add, shallow fetch of HEAD, checkout FETCH_HEAD. */
    private Path fetch(String url, Map<String, String> env, List<String> extraConfig, boolean mustSucceed)
            throws Exception {
        Path dir = Files.createTempDirectory(tmp, "checkout");
        git(dir, env, List.of(), "init", "-q");
        git(dir, env, List.of(), "remote", "add", "origin", url);
        Git fetched = git(dir, env, extraConfig, "fetch", "--no-tags", "--prune", "--depth", "1", "origin", "HEAD");
        lastFetch = fetched;
        if (mustSucceed) {
            assertEquals(0, fetched.exit, fetched.output + server.requestLog() + server.backendErrors());
            Git checkout = git(dir, env, List.of(), "checkout", "--force", "FETCH_HEAD");
            assertEquals(0, checkout.exit, checkout.output);
        }
        return dir;
    }

    private Git lastFetch;

    private Git fetchFailing(String url, Map<String, String> env) throws Exception {
        fetch(url, env, List.of(), false);
        assertNotEquals(0, lastFetch.exit, lastFetch.output);
        return lastFetch;
    }

    private Git git(Path dir, Map<String, String> env, List<String> config, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(config);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(gitEnv);
        pb.environment().putAll(env);
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
