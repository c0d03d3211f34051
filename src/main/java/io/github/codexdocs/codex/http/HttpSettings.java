package io.github.codexdocs.codex.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the plugin talks HTTP: Maven's proxies, the timeouts of every call, and a PEM file of certificates trusted in
 * addition to the JDK's (null for none).
 */
public record HttpSettings(List<Proxy> proxies, Duration connectTimeout, Duration readTimeout,
                           Path extraTrustedCertificates) {
    public HttpSettings {
        proxies = List.copyOf(proxies);
    }
}
