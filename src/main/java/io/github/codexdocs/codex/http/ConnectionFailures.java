package io.github.codexdocs.codex.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.apache.hc.core5.http.NoHttpResponseException;

/** Says in plain words why an HTTP exchange failed, without naming library classes. */
public final class ConnectionFailures {
    private ConnectionFailures() {
    }

    public static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "the connection was refused";
        }
        if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
            return "no answer came in time";
        }
        if (e instanceof UnknownHostException) {
            return "the host is unknown";
        }
        if (e instanceof NoHttpResponseException) {
            return "the server closed the connection without an answer";
        }
        if (e instanceof SSLException) {
            return "the TLS connection failed (its certificate is not trusted, or it does not speak TLS)";
        }
        return "the HTTP exchange failed";
    }
}
