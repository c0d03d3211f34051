package io.github.codexdocs.codex.token;

import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.token.TokenFailure.Step;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/** Requests the job's OIDC token (a JWT) from the GitHub Actions runtime. */
final class OidcTokenClient {
    private static final String PERMISSION = "add `permissions: id-token: write` to the job (or the workflow)";

    private final CloseableHttpClient http;

    OidcTokenClient(CloseableHttpClient http) {
        this.http = http;
    }

    /** The JWT, a secret. */
    String requestJwt(GitHubActions actions, String audience) throws TokenFailure {
        String url = actions.idTokenRequestUrl().orElseThrow(() -> TokenFailure.permanent(Step.OIDC,
                "ACTIONS_ID_TOKEN_REQUEST_URL is not set, so this job may not request an OIDC token", PERMISSION));
        String bearer = actions.idTokenRequestToken().orElseThrow(() -> TokenFailure.permanent(Step.OIDC,
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set, so this job may not request an OIDC token", PERMISSION));
        HttpGet request = new HttpGet(JsonExchange.uri(url + (url.contains("?") ? "&" : "?") + "audience="
                + URLEncoder.encode(audience, StandardCharsets.UTF_8)));
        request.setHeader("Authorization", "Bearer " + bearer);
        request.setHeader("Accept", "application/json");
        JsonExchange.Reply reply = JsonExchange.execute(http, request, Step.OIDC, "The GitHub Actions OIDC endpoint",
                "re-run the job; if it keeps failing, check the GitHub status page");
        if (reply.transientStatus()) {
            throw TokenFailure.transientFailure(Step.OIDC, "the OIDC endpoint answered HTTP " + reply.status(),
                    "re-run the job", reply.retryAfterSeconds());
        }
        if (reply.status() != 200) {
            throw TokenFailure.permanent(Step.OIDC, "the OIDC endpoint refused the request with HTTP " + reply.status(),
                    PERMISSION);
        }
        String jwt = reply.json() == null ? "" : reply.json().path("value").asText("");
        if (jwt.isEmpty()) {
            throw TokenFailure.permanent(Step.OIDC, "the OIDC endpoint's reply has no token",
                    "check that ACTIONS_ID_TOKEN_REQUEST_URL is the one GitHub Actions set");
        }
        return jwt;
    }
}
