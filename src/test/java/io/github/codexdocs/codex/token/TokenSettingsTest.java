package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenSettingsTest {
    private static TokenSettings settings(String address, String instance) {
        return new TokenSettings(address, instance, null, "vault", "github-oidc", "github/token/{role}", null,
                Duration.ofSeconds(20));
    }

    @Test
    void theInstanceNamesElasticsVaults() throws TokenFailure {
        assertEquals(URI.create("https://vault-ci-prod.elastic.dev"), settings(null, "ci-prod").vaultUri());
        assertEquals(URI.create("https://vault-ci.dev.elastic.dev"), settings("", " CI-DEV ").vaultUri());
    }

    @Test
    void anAddressWinsOverTheInstance() throws TokenFailure {
        assertEquals(URI.create("https://vault.example.com:8200"),
                settings("https://vault.example.com:8200", "nonsense").vaultUri());
    }

    @Test
    void mistakesAreTokenFailuresWithTheFix() {
        TokenFailure instance = assertThrows(TokenFailure.class, () -> settings(null, "ci-qa").vaultUri());
        assertEquals("No GitHub token: reading the Vault settings failed: <vaultInstance> 'ci-qa' is unknown; use ci-prod"
                + " or ci-dev, or set <vaultAddress> (codex.vaultAddress).", instance.getMessage());
        TokenFailure address = assertThrows(TokenFailure.class, () -> settings("vault.example.com", null).vaultUri());
        assertEquals("No GitHub token: reading the Vault settings failed: <vaultAddress> 'vault.example.com' is not a"
                + " URL; use one like https://vault.example.com.", address.getMessage());
    }

    @Test
    void theRoleFillsTheSecretPath() {
        assertEquals("github/token/token-policy-abc", settings(null, "ci-prod").secretPathFor("token-policy-abc"));
    }
}
