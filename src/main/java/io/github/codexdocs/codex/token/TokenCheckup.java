package io.github.codexdocs.codex.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.codexdocs.codex.ci.GitHubActions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * Walks the token fetch one step at a time, without retries, and says for each step what it found: the answer to
 * "would codex:build get its token here, and if not, why?". It reports the JWT's non-secret claims that Vault binds
 * on and what Vault says about the GitHub token, never a secret.
 */
public final class TokenCheckup {
    /** How a check went. */
    public enum Status { OK, FAILED, SKIPPED }

    /** One line of the checkup. */
    public record Finding(String check, Status status, String detail) {
        @Override
        public String toString() {
            return "[" + status + "] " + check + ": " + detail;
        }
    }

    private static final List<String> BOUND_CLAIMS = List.of("repository", "workflow_ref", "ref", "aud");

    private final CloseableHttpClient http;
    private final TokenSettings settings;
    private final GitHubActions actions;

    public TokenCheckup(CloseableHttpClient http, TokenSettings settings, GitHubActions actions) {
        this.http = http;
        this.settings = settings;
        this.actions = actions;
    }

    /**
     * Runs the checks in order, handing each finding over as soon as it is known.
     *
     * @return the GitHub token read in the last check, if it came that far, so that the caller can revoke it
     */
    public Optional<GitHubToken> run(Consumer<Finding> report) {
        if (!actions.isActive()) {
            report.accept(new Finding("GitHub Actions", Status.SKIPPED, "not detected (GITHUB_ACTIONS is not true):"
                    + " codex:build fetches no token here, docs-builder reaches the link index over SSH"));
            return Optional.empty();
        }
        report.accept(new Finding("GitHub Actions", Status.OK, "detected"));
        List<String> remaining = new ArrayList<>(List.of("Vault role", "OIDC token", "Vault", "Vault login",
                "GitHub token"));
        try {
            String role = TokenFetcher.role(settings, actions);
            report.accept(new Finding(remaining.remove(0), Status.OK, role + (settings.role() != null
                    && !settings.role().isBlank() ? " (configured)" : " (derived from GITHUB_WORKFLOW_REF "
                    + actions.workflowRef().orElse("") + ")")));
            String jwt = new OidcTokenClient(http).requestJwt(actions, settings.audience());
            report.accept(new Finding(remaining.remove(0), Status.OK, "issued; " + boundClaims(jwt)));
            VaultClient vault = new VaultClient(http, settings.vaultUri(), settings.namespace());
            int health = vault.health();
            report.accept(new Finding(remaining.remove(0), Status.OK, "reachable at " + settings.vaultUri()
                    + " (health: HTTP " + health + ")"));
            String clientToken = vault.login(settings.authMount(), role, jwt);
            report.accept(new Finding(remaining.remove(0), Status.OK, "role " + role + " accepted the job's OIDC"
                    + " token at auth/" + settings.authMount()));
            GitHubToken token = vault.readToken(settings.secretPathFor(role), clientToken);
            report.accept(new Finding(remaining.remove(0), Status.OK, describe(token, settings.secretPathFor(role))));
            return Optional.of(token);
        } catch (TokenFailure failure) {
            report.accept(new Finding(remaining.remove(0), Status.FAILED, failure.reason() + "; fix: " + failure.fix()));
            remaining.forEach(check -> report.accept(new Finding(check, Status.SKIPPED, "not checked")));
            return Optional.empty();
        }
    }

    private static String boundClaims(String jwt) {
        String[] parts = jwt.split("\\.");
        try {
            JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            List<String> shown = new ArrayList<>();
            for (String name : BOUND_CLAIMS) {
                shown.add(name + "=" + (claims.has(name) ? claims.get(name).asText() : "(none)"));
            }
            return String.join(", ", shown);
        } catch (IOException | RuntimeException e) {
            return "its claims could not be read";
        }
    }

    private static String describe(GitHubToken token, String path) {
        GitHubToken.Details details = token.details();
        return "readable at " + path + "; lease_id " + (token.isLeased()
                ? "present (leased to this job)" : "empty (cached, shared with other workflows)")
                + "; expires at " + (details.expiresAt().isEmpty() ? "(not said)" : details.expiresAt())
                + "; permissions " + (details.permissions().isEmpty() ? "(none listed)" : details.permissions())
                + "; repositories " + (details.repositories().isEmpty() ? "(all or none listed)"
                : String.join(", ", details.repositories()));
    }
}
