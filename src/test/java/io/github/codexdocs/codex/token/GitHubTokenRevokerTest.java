package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.codexdocs.codex.RecordingLog;
import io.github.codexdocs.codex.http.HttpClients;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.testworld.GitHubApi;
import io.github.codexdocs.codex.testworld.GitHubTokenRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.Test;

/** Revocation through the GitHub API: it never fails the build, and says what happened in one line. */
class GitHubTokenRevokerTest {
    private final RecordingLog log = new RecordingLog();

    private void revoke(String apiUrl, String token) throws IOException {
        HttpSettings http = new HttpSettings(List.of(), Duration.ofSeconds(2), Duration.ofSeconds(2), null);
        try (CloseableHttpClient client = HttpClients.create(http)) {
            new GitHubTokenRevoker(client, apiUrl, log).revoke(new GitHubToken(token, "lease"));
        }
    }

    @Test
    void aValidTokenIsRevokedOnceAndThenReportedAsAlreadyInvalid() throws IOException {
        GitHubTokenRegistry tokens = new GitHubTokenRegistry();
        String token = tokens.mint(Duration.ofHours(1));
        try (GitHubApi github = GitHubApi.start(tokens)) {
            revoke(github.url() + "/", token);
            revoke(github.url(), token);
            assertEquals(List.of(token), github.revokedTokens());
        }
        assertEquals(List.of("INFO Revoked the GitHub token.",
                "INFO The GitHub token was already invalid; nothing to revoke."), log.lines);
    }

    @Test
    void aServerErrorOnlyWarns() throws IOException {
        HttpServer failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        failing.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        failing.start();
        String url = "http://127.0.0.1:" + failing.getAddress().getPort();
        try {
            revoke(url, "ghs_revoker-test-token");
        } finally {
            failing.stop(0);
        }
        assertEquals(List.of("WARN Could not revoke the GitHub token: " + url + " answered HTTP 500; it expires by"
                + " itself within an hour."), log.lines);
    }

    @Test
    void anUnreachableOrInvalidApiOnlyWarns() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        revoke("http://127.0.0.1:" + closedPort, "ghs_revoker-test-token");
        revoke("https://github example.com/api/v3", "ghs_revoker-test-token");
        assertEquals(List.of("WARN Could not revoke the GitHub token: http://127.0.0.1:" + closedPort + " could not be"
                        + " reached; it expires by itself within an hour.",
                "WARN Could not revoke the GitHub token: <githubApiUrl> (codex.githubApiUrl) 'https://github"
                        + " example.com/api/v3' is not a valid URL; it expires by itself within an hour."), log.lines);
        assertTrue(log.lines.stream().noneMatch(l -> l.contains("ghs_revoker-test-token")));
    }
}
