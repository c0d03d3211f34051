package io.github.codexdocs.codex.testworld;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forward HTTP proxy on loopback for plain-HTTP targets: it takes requests with an absolute URI
 * ({@code GET http://host:port/path}, or any other method with its body), makes them itself without following
 * redirects, and relays the answer. It records every URI it was asked for. With {@link #requireCredentials} it
 * answers 407 until the client sends those Basic proxy credentials.
 */
public final class ForwardProxy extends LoopbackServer {
    /** The request headers passed on to the target; hop-by-hop and proxy headers stay here. */
    private static final java.util.Set<String> FORWARDED = java.util.Set.of("accept", "authorization", "content-type",
            "x-vault-token", "x-vault-namespace", "user-agent");
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private volatile String expectedAuthorization;

    private ForwardProxy() {
        super(bindHttp(), "forward-proxy");
    }

    public static ForwardProxy start() {
        ForwardProxy proxy = new ForwardProxy();
        proxy.startServing();
        return proxy;
    }

    public int proxyPort() {
        return port();
    }

    /** Demands {@code Proxy-Authorization: Basic} with these credentials from now on. */
    public void requireCredentials(String user, String password) {
        expectedAuthorization = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The absolute URIs the proxy was asked for, in arrival order. */
    public List<String> requested() {
        return List.copyOf(requested);
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        URI target = exchange.getRequestURI();
        requested.add(target.toString());
        if (!"http".equals(target.getScheme())) {
            Exchanges.send(exchange, 400, "text/plain", "only absolute http URIs");
            return;
        }
        String expected = expectedAuthorization;
        if (expected != null && !expected.equals(exchange.getRequestHeaders().getFirst("Proxy-Authorization"))) {
            exchange.getResponseHeaders().set("Proxy-Authenticate", "Basic realm=\"proxy\"");
            Exchanges.send(exchange, 407, "text/plain", "proxy authentication required");
            return;
        }
        byte[] requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .method(exchange.getRequestMethod(), requestBody.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(requestBody));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Exchanges.send(exchange, 502, "text/plain", "interrupted");
            return;
        } catch (IOException e) {
            Exchanges.send(exchange, 502, "text/plain", "bad gateway: " + e.getMessage());
            return;
        }
        response.headers().firstValue("Location").ifPresent(l -> exchange.getResponseHeaders().set("Location", l));
        response.headers().firstValue("Retry-After").ifPresent(r -> exchange.getResponseHeaders().set("Retry-After", r));
        response.headers().firstValue("Content-Type")
                .ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
