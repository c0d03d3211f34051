package io.github.codexdocs.codex.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.codexdocs.codex.http.ConnectionFailures;
import io.github.codexdocs.codex.http.HttpClients;
import io.github.codexdocs.codex.token.TokenFailure.Step;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * One JSON request and its reply. Connection problems become transient {@link TokenFailure}s described in plain
 * words; the reply is read whole (it is small) and the response always closed.
 */
final class JsonExchange {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;
    /** Things that look like secrets, removed from any server text before it reaches a message. */
    private static final Pattern SECRET_LIKE = Pattern.compile(
            "eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.?[A-Za-z0-9_-]*|hv[sbr]\\.[A-Za-z0-9_.-]+|\\b[sb]\\.[A-Za-z0-9]{20,}"
                    + "|gh[pousr]_[A-Za-z0-9_]+|github_pat_\\w+");

    private JsonExchange() {
    }

    /** The status, the body parsed as JSON (null when it is not JSON) and the Retry-After header in seconds. */
    record Reply(int status, JsonNode json, long retryAfterSeconds) {
        /** Vault's {@code errors}, joined, cleaned of anything secret-like and shortened. */
        String errors() {
            List<String> errors = new ArrayList<>();
            if (json != null) {
                json.path("errors").forEach(e -> errors.add(e.asText()));
            }
            String text = String.join("; ", errors);
            text = SECRET_LIKE.matcher(text).replaceAll("***");
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }

        boolean transientStatus() {
            return status == 412 || status == 429 || status >= 500;
        }

        /** The body holds tokens: never shown. */
        @Override
        public String toString() {
            return "Reply[status=" + status + ", retryAfterSeconds=" + retryAfterSeconds + "]";
        }
    }

    /** The URI of a request; a setting that makes it invalid is a token failure, not a crash. */
    static URI uri(String url) throws TokenFailure {
        try {
            return URI.create(url);
        } catch (IllegalArgumentException notAUrl) {
            throw TokenFailure.invalidUrl();
        }
    }

    static Reply execute(CloseableHttpClient http, ClassicHttpRequest request, Step step, String peer, String fix)
            throws TokenFailure {
        try {
            return http.execute(request, response -> {
                HttpEntity entity = response.getEntity();
                String body = entity == null ? "" : EntityUtils.toString(entity, MAX_BODY);
                Header retryAfter = response.getFirstHeader("Retry-After");
                return new Reply(response.getCode(), parse(body), HttpClients.retryAfterSeconds(retryAfter));
            });
        } catch (SSLException e) {
            throw TokenFailure.permanent(step, peer + " could not be reached over TLS (its certificate is not trusted,"
                    + " or it does not speak TLS)",
                    "trust its certificate authority with <vaultCaCertificate> (codex.vaultCaCertificate)");
        } catch (IOException e) {
            throw TokenFailure.transientFailure(step, peer + " could not be reached: " + ConnectionFailures.describe(e),
                    fix, -1);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body.isBlank() ? null : JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException notJson) {
            return null;
        }
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
