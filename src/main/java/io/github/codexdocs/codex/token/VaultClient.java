package io.github.codexdocs.codex.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexdocs.codex.token.TokenFailure.Step;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * The Vault calls of the token fetch, a JWT login and the read of the GitHub token, and the health check of
 * {@code codex:doctor}. Vault's error texts may echo what was sent, so they reach messages only after
 * {@link JsonExchange.Reply#errors()} has cleaned them.
 */
final class VaultClient {
    private final CloseableHttpClient http;
    private final URI address;
    private final String namespace;

    VaultClient(CloseableHttpClient http, URI address, String namespace) {
        this.http = http;
        this.address = address;
        this.namespace = namespace;
    }

    /** The HTTP status of Vault's health endpoint: any answer at all means Vault can be reached. */
    int health() throws TokenFailure {
        return send(new HttpGet(url("sys/health")), Step.LOGIN).status();
    }

    /** Logs in with the job's JWT; returns Vault's client token, a secret. */
    String login(String mount, String role, String jwt) throws TokenFailure {
        HttpPost request = new HttpPost(url("auth/" + mount + "/login"));
        request.setEntity(new ByteArrayEntity(JsonExchange.json(Map.of("role", role, "jwt", jwt)),
                ContentType.APPLICATION_JSON));
        JsonExchange.Reply reply = send(request, Step.LOGIN);
        if (reply.status() == 400 && reply.errors().contains("could not be found")) {
            throw TokenFailure.permanent(Step.LOGIN, "Vault has no role '" + role + "' (HTTP 400: " + reply.errors() + ")",
                    "register the token policy for this workflow, or set <vaultRole> (codex.vaultRole) to a registered role");
        }
        if (reply.status() == 400) {
            throw TokenFailure.permanent(Step.LOGIN, "Vault rejected the login for role '" + role + "' (HTTP 400: "
                    + reply.errors() + ")", "check that the role is bound to this workflow's claims"
                    + " (workflow_ref, repository) and to the audience of <oidcAudience> (codex.oidcAudience)");
        }
        failUnlessOk(reply, Step.LOGIN, "auth/" + mount + "/login",
                "check <vaultAuthMount> (codex.vaultAuthMount) and <vaultNamespace> (codex.vaultNamespace)");
        String clientToken = reply.json().path("auth").path("client_token").asText("");
        if (clientToken.isEmpty()) {
            throw unexpected(Step.LOGIN);
        }
        return clientToken;
    }

    /** Reads the GitHub token at the secret path with the client token of the login. */
    GitHubToken readToken(String secretPath, String clientToken) throws TokenFailure {
        HttpGet request = new HttpGet(url(secretPath));
        request.setHeader("X-Vault-Token", clientToken);
        JsonExchange.Reply reply = send(request, Step.READ);
        failUnlessOk(reply, Step.READ, secretPath, "check that the role's policy grants read on " + secretPath
                + ", or set <vaultSecretPath> (codex.vaultSecretPath)");
        JsonNode body = reply.json();
        String token = body.path("data").path("token").asText("");
        if (token.isEmpty()) {
            throw unexpected(Step.READ);
        }
        JsonNode data = body.path("data");
        Map<String, String> permissions = new TreeMap<>();
        data.path("permissions").fields().forEachRemaining(e -> permissions.put(e.getKey(), e.getValue().asText()));
        List<String> repositories = new ArrayList<>();
        data.path("repositories").forEach(r -> repositories.add(r.isTextual() ? r.asText() : r.path("name").asText()));
        return new GitHubToken(token, body.path("lease_id").asText(""),
                new GitHubToken.Details(data.path("expires_at").asText(""), permissions, repositories));
    }

    private JsonExchange.Reply send(ClassicHttpRequest request, Step step) throws TokenFailure {
        request.setHeader("Accept", "application/json");
        if (namespace != null && !namespace.isBlank()) {
            request.setHeader("X-Vault-Namespace", namespace);
        }
        return JsonExchange.execute(http, request, step, "Vault at " + address,
                "check <vaultAddress> (codex.vaultAddress) or <vaultInstance> (codex.vaultInstance), and the proxy"
                        + " settings in settings.xml");
    }

    private void failUnlessOk(JsonExchange.Reply reply, Step step, String path, String fix) throws TokenFailure {
        String errors = reply.errors().isEmpty() ? "" : ": " + reply.errors();
        if (reply.transientStatus()) {
            throw TokenFailure.transientFailure(step, "Vault answered HTTP " + reply.status() + errors
                            + (reply.status() == 503 ? " (sealed or in standby)" : ""),
                    "try again later; if it persists, tell the Vault operators", reply.retryAfterSeconds());
        }
        if (reply.status() == 403) {
            throw TokenFailure.permanent(step, "Vault denied access to " + path + " (HTTP 403" + errors + ")", fix);
        }
        if (reply.status() == 404) {
            throw TokenFailure.permanent(step, "Vault has nothing at " + path + " (HTTP 404" + errors + ")", fix);
        }
        if (reply.status() != 200) {
            throw TokenFailure.permanent(step, "Vault answered HTTP " + reply.status() + errors, fix);
        }
        if (reply.json() == null) {
            throw unexpected(step);
        }
    }

    private TokenFailure unexpected(Step step) {
        return TokenFailure.permanent(step, "Vault's reply was not the JSON Vault sends",
                "check that <vaultAddress> (codex.vaultAddress) points at Vault itself, not at a proxy or login page");
    }

    private URI url(String path) throws TokenFailure {
        String base = address.toString();
        return JsonExchange.uri((base.endsWith("/") ? base : base + "/") + "v1/"
                + (path.startsWith("/") ? path.substring(1) : path));
    }
}
