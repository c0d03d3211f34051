package io.github.codexdocs.codex.token;

import io.github.codexdocs.codex.token.TokenFailure.Step;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where and how to fetch the GitHub token, as configured. Holds no secret. It is checked when a token is fetched, so
 * that a mistake in it never fails a build that fetches no token.
 *
 * @param vaultAddress  Vault's base URL, or null to take the one of {@code vaultInstance}
 * @param vaultInstance an Elastic CI Vault, {@code ci-prod} or {@code ci-dev}
 * @param role          the Vault role, or null to derive it from {@code GITHUB_WORKFLOW_REF}
 * @param audience      the audience of the OIDC token
 * @param authMount     where Vault's JWT auth method is mounted, without {@code auth/}
 * @param secretPath    the path of the GitHub token in Vault; {@code {role}} stands for the role
 * @param namespace     sent as {@code X-Vault-Namespace}, or null
 * @param retryBudget   how long transient failures are retried
 */
public record TokenSettings(String vaultAddress, String vaultInstance, String role, String audience, String authMount,
                            String secretPath, String namespace, Duration retryBudget) {

    public String secretPathFor(String resolvedRole) {
        return secretPath.replace("{role}", resolvedRole);
    }

    /** Vault's base URL: {@code vaultAddress}, or the address of {@code vaultInstance}. */
    public URI vaultUri() throws TokenFailure {
        String address = vaultAddress;
        if (address == null || address.isBlank()) {
            String instance = vaultInstance == null ? "" : vaultInstance.trim().toLowerCase(Locale.ROOT);
            address = switch (instance) {
                case "ci-prod" -> "https://vault-ci-prod.elastic.dev";
                case "ci-dev" -> "https://vault-ci.dev.elastic.dev";
                default -> throw TokenFailure.permanent(Step.CONFIGURATION, "<vaultInstance> '" + vaultInstance
                        + "' is unknown", "use ci-prod or ci-dev, or set <vaultAddress> (codex.vaultAddress)");
            };
        }
        try {
            URI uri = URI.create(address.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException(address);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw TokenFailure.permanent(Step.CONFIGURATION, "<vaultAddress> '" + address + "' is not a URL",
                    "use one like https://vault.example.com");
        }
    }
}
