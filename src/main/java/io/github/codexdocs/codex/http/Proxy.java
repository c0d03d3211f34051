package io.github.codexdocs.codex.http;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A proxy from Maven's {@code settings.xml}, already decrypted.
 *
 * @param protocol      the scheme of the URLs it serves, {@code http} or {@code https}
 * @param nonProxyHosts hosts reached directly, separated by {@code |} or {@code ,}, with {@code *} wildcards
 */
public record Proxy(String protocol, String host, int port, String username, String password, String nonProxyHosts) {

    /**
     * The proxy a request to {@code scheme://host} goes through, chosen as Maven chooses for its repositories: the
     * first proxy of that protocol whose {@code nonProxyHosts} do not name the host, and for {@code https} when there is
     * none, the first such {@code http} proxy (most settings.xml files declare only an {@code http} proxy).
     */
    public static Optional<Proxy> select(List<Proxy> proxies, String scheme, String targetHost) {
        Optional<Proxy> exact = firstFor(proxies, scheme, targetHost);
        if (exact.isEmpty() && "https".equalsIgnoreCase(scheme)) {
            return firstFor(proxies, "http", targetHost);
        }
        return exact;
    }

    private static Optional<Proxy> firstFor(List<Proxy> proxies, String protocol, String targetHost) {
        return proxies.stream()
                .filter(proxy -> proxy.protocol().equalsIgnoreCase(protocol) && !proxy.excludes(targetHost))
                .findFirst();
    }

    /** Whether {@code nonProxyHosts} names the host. */
    private boolean excludes(String targetHost) {
        if (nonProxyHosts == null || nonProxyHosts.isBlank()) {
            return false;
        }
        String target = targetHost.toLowerCase(Locale.ROOT);
        return Arrays.stream(nonProxyHosts.split("[|,]"))
                .map(String::trim)
                .filter(pattern -> !pattern.isEmpty())
                .anyMatch(pattern -> glob(pattern.toLowerCase(Locale.ROOT)).matcher(target).matches());
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public String toString() {
        return protocol + "://" + (username == null || username.isEmpty() ? "" : username + ":***@") + host + ":" + port;
    }
}
