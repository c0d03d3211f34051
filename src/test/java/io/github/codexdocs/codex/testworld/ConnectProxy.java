package io.github.codexdocs.codex.testworld;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A forward proxy on loopback that only tunnels: {@code CONNECT <allowed> HTTP/1.1} gets
 * {@code HTTP/1.1 200 Connection established} and the connection is then piped, byte for byte, to a fixed
 * loopback port; {@code CONNECT} to anything else, and any other request, gets {@code 403}. Every request target
 * is recorded.
 */
public final class ConnectProxy implements AutoCloseable {

    private static final int MAX_HEAD = 16 * 1024;

    private final ServerSocket listener;
    private final String allowedTarget;
    private final int upstreamPort;
    private final List<String> targets = Collections.synchronizedList(new ArrayList<>());
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ConnectProxy(ServerSocket listener, String allowedTarget, int upstreamPort) {
        this.listener = listener;
        this.allowedTarget = allowedTarget;
        this.upstreamPort = upstreamPort;
    }

    /** Tunnels {@code CONNECT allowedTarget} ({@code host:port}) to {@code 127.0.0.1:upstreamPort}. */
    public static ConnectProxy start(String allowedTarget, int upstreamPort) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            ConnectProxy proxy = new ConnectProxy(listener, allowedTarget, upstreamPort);
            daemon(proxy::acceptLoop, "connect-proxy-accept");
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** The request targets received, in order: {@code github.com:443} for a CONNECT, the URI otherwise. */
    public List<String> targets() {
        synchronized (targets) {
            return new ArrayList<>(targets);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                open.add(client);
                daemon(() -> serve(client), "connect-proxy-client");
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            String head = readHead(client.getInputStream());
            if (head == null) {
                closeQuietly(client);
                return;
            }
            String[] requestLine = head.substring(0, head.indexOf('\r')).split(" ");
            String method = requestLine[0];
            String target = requestLine.length > 1 ? requestLine[1] : "";
            targets.add(target);
            OutputStream toClient = client.getOutputStream();
            if (!method.equals("CONNECT") || !target.toLowerCase(Locale.ROOT).equals(allowedTarget)) {
                toClient.write(("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 24\r\n"
                        + "Connection: close\r\n\r\nonly github.com tunnels\n").getBytes(StandardCharsets.US_ASCII));
                toClient.flush();
                closeQuietly(client);
                return;
            }
            upstream = new Socket(InetAddress.getByName("127.0.0.1"), upstreamPort);
            open.add(upstream);
            toClient.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            toClient.flush();
            Socket server = upstream;
            Thread up = daemon(() -> pipe(client, server), "connect-proxy-up");
            pipe(server, client);
            up.join();
        } catch (IOException e) {
            // the client or the server went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            open.remove(client);
            if (upstream != null) {
                closeQuietly(upstream);
                open.remove(upstream);
            }
        }
    }

    /** The request line and headers up to the blank line, read byte by byte so nothing after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) != -1 && head.size() < MAX_HEAD) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    /** Copies {@code from} to {@code to} until end of stream, then half-closes {@code to}. */
    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
