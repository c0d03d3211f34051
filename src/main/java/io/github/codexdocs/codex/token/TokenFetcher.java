package io.github.codexdocs.codex.token;

import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.token.TokenFailure.Step;
import java.net.URI;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * Fetches the ephemeral GitHub token: the job's OIDC JWT, a Vault JWT login with it, and a read of the token. Three
 * requests when all goes well; transient failures are retried within the budget of the settings.
 */
public final class TokenFetcher {
    private final CloseableHttpClient http;
    private final TokenSettings settings;

    public TokenFetcher(CloseableHttpClient http, TokenSettings settings) {
        this.http = http;
        this.settings = settings;
    }

    /** The role this job logs in with: the configured one, or the one derived from its workflow. */
    public static String role(TokenSettings settings, GitHubActions actions) throws TokenFailure {
        if (settings.role() != null && !settings.role().isBlank()) {
            return settings.role().trim();
        }
        return VaultRole.fromWorkflowRef(actions.workflowRef().orElse(null)).orElseThrow(() -> TokenFailure.permanent(
                Step.ROLE, "GITHUB_WORKFLOW_REF is empty, so no Vault role can be derived from the workflow",
                "set <vaultRole> (codex.vaultRole)"));
    }

    public GitHubToken fetch(GitHubActions actions, String role) throws TokenFailure {
        URI vaultAddress = settings.vaultUri();
        Retrier retrier = Retrier.withBudget(settings.retryBudget());
        String jwt = retrier.call(() -> new OidcTokenClient(http).requestJwt(actions, settings.audience()));
        VaultClient vault = new VaultClient(http, vaultAddress, settings.namespace());
        String clientToken = retrier.call(() -> vault.login(settings.authMount(), role, jwt));
        return retrier.call(() -> vault.readToken(settings.secretPathFor(role), clientToken));
    }
}
