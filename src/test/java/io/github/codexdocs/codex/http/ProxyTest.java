package io.github.codexdocs.codex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyTest {
    private static final Proxy HTTP = new Proxy("http", "plain.proxy", 3128, null, null, "*.internal|localhost");
    private static final Proxy HTTPS = new Proxy("https", "tls.proxy", 3129, null, null, "vault.example.com");

    private static Optional<String> chosen(List<Proxy> proxies, String scheme, String host) {
        return Proxy.select(proxies, scheme, host).map(Proxy::host);
    }

    @Test
    void aProxyServesTheProtocolItIsDeclaredFor() {
        assertEquals(Optional.of("plain.proxy"), chosen(List.of(HTTPS, HTTP), "http", "example.com"));
        assertEquals(Optional.of("tls.proxy"), chosen(List.of(HTTP, HTTPS), "https", "example.com"));
    }

    @Test
    void httpsFallsBackToTheHttpProxyAsInMaven() {
        assertEquals(Optional.of("plain.proxy"), chosen(List.of(HTTP), "HTTPS", "github.com"));
        // the https proxy excludes the host, so Maven falls back to the http one
        assertEquals(Optional.of("plain.proxy"), chosen(List.of(HTTPS, HTTP), "https", "vault.example.com"));
    }

    @Test
    void anHttpsProxyIsNotUsedForPlainHttp() {
        assertTrue(chosen(List.of(HTTPS), "http", "example.com").isEmpty());
    }

    @Test
    void nonProxyHostsAreReachedDirectlyWithWildcardsAndAnyCase() {
        assertTrue(chosen(List.of(HTTP), "https", "Vault.INTERNAL").isEmpty());
        assertTrue(chosen(List.of(HTTP), "http", "localhost").isEmpty());
        assertFalse(chosen(List.of(HTTP), "http", "localhost.example.com").isEmpty());
        Proxy commaSeparated = new Proxy("http", "p", 1, null, null, "a.example.com, b.example.com");
        assertTrue(chosen(List.of(commaSeparated), "http", "b.example.com").isEmpty());
    }

    @Test
    void theFirstMatchingProxyWins() {
        Proxy second = new Proxy("http", "second.proxy", 8080, null, null, null);
        assertEquals(Optional.of("second.proxy"), chosen(List.of(HTTP, second), "http", "git.internal"));
        assertEquals(Optional.of("plain.proxy"), chosen(List.of(HTTP, second), "http", "example.com"));
        assertTrue(chosen(List.of(), "https", "example.com").isEmpty());
    }

    @Test
    void toStringHidesThePassword() {
        Proxy withCredentials = new Proxy("http", "p", 1, "user", "s3cret-proxy-password", null);
        assertFalse(withCredentials.toString().contains("s3cret-proxy-password"));
        assertTrue(withCredentials.toString().contains("user:***@"));
    }
}
