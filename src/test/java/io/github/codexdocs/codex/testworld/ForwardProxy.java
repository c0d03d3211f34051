package io.github.codexdocs.codex.testworld;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
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
 * ({@code GET http://host:port/path}), makes them itself without following redirects, and relays the answer.
 * It records every URI it was asked for.
 */
public final class ForwardProxy extends LoopbackServer {
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

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

    /** The absolute URIs the proxy was asked for, in arrival order. */
    public List<String> requested() {
        return List.copyOf(requested);
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        URI target = exchange.getRequestURI();
        requested.add(target.toString());
        if (!"http".equals(target.getScheme()) || !exchange.getRequestMethod().equals("GET")) {
            Exchanges.send(exchange, 400, "text/plain", "only GET of absolute http URIs");
            return;
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(HttpRequest.newBuilder(target).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Exchanges.send(exchange, 502, "text/plain", "interrupted");
            return;
        } catch (IOException e) {
            Exchanges.send(exchange, 502, "text/plain", "bad gateway: " + e.getMessage());
            return;
        }
        response.headers().firstValue("Location").ifPresent(l -> exchange.getResponseHeaders().set("Location", l));
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
