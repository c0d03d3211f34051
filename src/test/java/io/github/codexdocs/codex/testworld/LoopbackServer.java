package io.github.codexdocs.codex.testworld;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of the emulators: one {@link HttpServer} on 127.0.0.1 and an ephemeral port, served by a small pool of
 * daemon threads. Subclasses implement {@link #handle}; an exception escaping it becomes a 500.
 */
abstract class LoopbackServer implements AutoCloseable {

    private static final int THREADS = 8;

    private final HttpServer server;
    private final ExecutorService executor;

    LoopbackServer(HttpServer server, String name) {
        this.server = server;
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::serve);
    }

    /** A plain-HTTP server bound to 127.0.0.1 on a free port, not yet started. */
    static HttpServer bindHttp() {
        try {
            return HttpServer.create(loopback(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    /** Starts serving; called by the subclasses' factories once they are fully constructed. */
    final void startServing() {
        server.start();
    }

    final int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>} (or https for a TLS server), without a trailing slash. */
    final String baseUrl() {
        String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + port();
    }

    abstract void handle(HttpExchange exchange) throws IOException;

    private void serve(HttpExchange exchange) {
        try {
            handle(exchange);
        } catch (Exception e) {
            if (exchange.getResponseCode() == -1) {
                try {
                    Exchanges.json(exchange, 500, Map.of("errors", new String[] {"emulator failure: " + e}));
                } catch (IOException ignored) {
                    // the client went away
                }
            }
        } finally {
            exchange.close();
        }
    }

    /** Stops at once: open exchanges are cut and the threads are interrupted. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
