package io.github.codexdocs.codex.token;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how to fetch the GitHub token. Holds no secret.
 *
 * @param vaultAddress       Vault's base URL
 * @param role               the Vault role, or null to derive it from {@code GITHUB_WORKFLOW_REF}
 * @param audience           the audience of the OIDC token
 * @param authMount          where Vault's JWT auth method is mounted, without {@code auth/}
 * @param secretPath         the path of the GitHub token in Vault; {@code {role}} stands for the role
 * @param namespace          sent as {@code X-Vault-Namespace}, or null
 * @param retryBudget        how long the whole fetch may take, retries included
 */
public record TokenSettings(URI vaultAddress, String role, String audience, String authMount, String secretPath,
                            String namespace, Duration retryBudget) {

    public String secretPathFor(String resolvedRole) {
        return secretPath.replace("{role}", resolvedRole);
    }
}
