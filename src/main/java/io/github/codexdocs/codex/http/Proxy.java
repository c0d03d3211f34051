package io.github.codexdocs.codex.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A proxy from Maven's {@code settings.xml}, already decrypted.
 *
 * @param protocol      the scheme of the URLs it serves, {@code http} or {@code https}
 * @param nonProxyHosts hosts reached directly, separated by {@code |} or {@code ,}, with {@code *} wildcards
 */
public record Proxy(String protocol, String host, int port, String username, String password, String nonProxyHosts) {

    /** Whether a request to {@code scheme://host} goes through this proxy. */
    public boolean serves(String scheme, String targetHost) {
        if (!protocol.equalsIgnoreCase(scheme)) {
            return false;
        }
        if (nonProxyHosts == null || nonProxyHosts.isBlank()) {
            return true;
        }
        String target = targetHost.toLowerCase(Locale.ROOT);
        return Arrays.stream(nonProxyHosts.split("[|,]"))
                .map(String::trim)
                .filter(pattern -> !pattern.isEmpty())
                .noneMatch(pattern -> glob(pattern.toLowerCase(Locale.ROOT)).matcher(target).matches());
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
