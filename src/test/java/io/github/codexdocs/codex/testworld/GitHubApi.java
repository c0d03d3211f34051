package io.github.codexdocs.codex.testworld;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Emulates the one GitHub REST call the plugin makes: {@code DELETE /installation/token} with
 * {@code Authorization: Bearer <token>} (or {@code token <token>}): 204 when the token was valid and is now
 * revoked in the {@link GitHubTokenRegistry}, 401 {@code Bad credentials} otherwise.
 */
public final class GitHubApi extends LoopbackServer {

    private static final String DOCS = "https://docs.github.com/rest";

    private final GitHubTokenRegistry tokens;
    private final List<String> revoked = new ArrayList<>();
    private int revokeRequests;

    private GitHubApi(GitHubTokenRegistry tokens) {
        super(bindHttp(), "github-api");
        this.tokens = tokens;
    }

    public static GitHubApi start(GitHubTokenRegistry tokens) {
        GitHubApi api = new GitHubApi(tokens);
        api.startServing();
        return api;
    }

    /** The API base, as {@code https://api.github.com} would be: no trailing slash. */
    public String url() {
        return baseUrl();
    }

    /** Every {@code DELETE /installation/token}, failed ones included. */
    public synchronized int revokeRequestCount() {
        return revokeRequests;
    }

    /** Tokens this API revoked, oldest first. */
    public synchronized List<String> revokedTokens() {
        return new ArrayList<>(revoked);
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        if (!"/installation/token".equals(exchange.getRequestURI().getPath())
                || !"DELETE".equals(exchange.getRequestMethod())) {
            Exchanges.json(exchange, 404, Map.of("message", "Not Found", "documentation_url", DOCS));
            return;
        }
        boolean revokedNow;
        synchronized (this) {
            revokeRequests++;
            String token = credential(Exchanges.header(exchange, "Authorization"));
            revokedNow = tokens.revoke(token);
            if (revokedNow) {
                revoked.add(token);
            }
        }
        if (revokedNow) {
            Exchanges.empty(exchange, 204);
        } else {
            Exchanges.json(exchange, 401,
                    Map.of("message", "Bad credentials", "documentation_url", DOCS, "status", "401"));
        }
    }

    /** The token of {@code Bearer <t>} or {@code token <t>} (scheme case-insensitive), else null. */
    private static String credential(String authorization) {
        if (authorization == null) {
            return null;
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        boolean known = parts[0].equalsIgnoreCase("Bearer") || parts[0].equalsIgnoreCase("token");
        return known && parts.length == 2 ? parts[1] : null;
    }
}
