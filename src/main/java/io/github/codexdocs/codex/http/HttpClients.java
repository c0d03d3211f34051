package io.github.codexdocs.codex.http;

import io.github.codexdocs.codex.CodexException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * Builds the HTTP client every network call of the plugin goes through: Maven's proxies per scheme with their
 * {@code nonProxyHosts} and credentials, connect and read timeouts, optional extra trusted certificates, redirects
 * followed only when asked for, and no automatic retries (callers decide what is worth retrying).
 *
 * <p>The HTTP client library is shaded into the plugin together with a silent logger, so that Maven's debug output
 * ({@code -X}) never shows request headers or bodies, which carry tokens.
 */
public final class HttpClients {
    private HttpClients() {
    }

    /**
     * A client that follows no redirect: the requests of the token fetch carry secrets (bearer tokens, the Vault
     * token, the JWT in a body), and a redirect would send them on to whatever host it names.
     */
    public static CloseableHttpClient create(HttpSettings settings) {
        return create(settings, false);
    }

    /**
     * Like {@link #create(HttpSettings)}; with {@code followRedirects} true redirects are followed, for requests that
     * carry no secret (release downloads). With it false a redirect is returned to the caller as it is.
     */
    public static CloseableHttpClient create(HttpSettings settings, boolean followRedirects) {
        Timeout connect = Timeout.of(settings.connectTimeout());
        Timeout read = Timeout.of(settings.readTimeout());
        PoolingHttpClientConnectionManagerBuilder connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(read)
                        .build());
        if (settings.extraTrustedCertificates() != null) {
            connections.setTlsSocketStrategy(ClientTlsStrategyBuilder.create()
                    .setSslContext(sslContextTrusting(settings))
                    .buildClassic());
        }
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        for (Proxy proxy : settings.proxies()) {
            if (proxy.username() != null && !proxy.username().isEmpty()) {
                credentials.setCredentials(new AuthScope(proxy.host(), proxy.port()), new UsernamePasswordCredentials(
                        proxy.username(), proxy.password() == null ? new char[0] : proxy.password().toCharArray()));
            }
        }
        HttpClientBuilder builder = HttpClientBuilder.create();
        if (!followRedirects) {
            builder.disableRedirectHandling();
        }
        return builder
                .setConnectionManager(connections.build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(connect)
                        .setResponseTimeout(read)
                        .build())
                .setRoutePlanner(new ProxyRoutePlanner(settings.proxies()))
                .setDefaultCredentialsProvider(credentials)
                .setUserAgent("codex-maven-plugin")
                .disableAutomaticRetries()
                .disableCookieManagement()
                .build();
    }

    /** The seconds a {@code Retry-After} header asks to wait, or -1 when there is none or it is a date. */
    public static long retryAfterSeconds(Header retryAfter) {
        if (retryAfter == null) {
            return -1;
        }
        try {
            return Long.parseLong(retryAfter.getValue().trim());
        } catch (NumberFormatException httpDate) {
            return -1;
        }
    }

    /** Chooses the proxy of settings.xml for the target's scheme and host, or none. */
    private static final class ProxyRoutePlanner extends DefaultRoutePlanner {
        private final List<Proxy> proxies;

        ProxyRoutePlanner(List<Proxy> proxies) {
            super(DefaultSchemePortResolver.INSTANCE);
            this.proxies = proxies;
        }

        @Override
        protected HttpHost determineProxy(HttpHost target, HttpContext context) {
            return Proxy.select(proxies, target.getSchemeName(), target.getHostName())
                    .map(proxy -> new HttpHost("http", proxy.host(), proxy.port()))
                    .orElse(null);
        }
    }

    private static SSLContext sslContextTrusting(HttpSettings settings) {
        try (InputStream pem = Files.newInputStream(settings.extraTrustedCertificates())) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(pem);
            if (certificates.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
            extra.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                extra.setCertificateEntry("extra-" + i++, certificate);
            }
            X509TrustManager both = new EitherTrustManager(List.of(trustManager(extra), trustManager(null)));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {both}, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new CodexException("Could not read the trusted certificates in " + settings.extraTrustedCertificates()
                    + "; point <vaultCaCertificate> (codex.vaultCaCertificate) at a PEM file of X.509 certificates.");
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Arrays.stream(factory.getTrustManagers())
                .filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast)
                .findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));
    }

    /** Trusts a server that any of its trust managers trusts. */
    private static final class EitherTrustManager implements X509TrustManager {
        private final List<X509TrustManager> managers;

        EitherTrustManager(List<X509TrustManager> managers) {
            this.managers = managers;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException last = null;
            for (X509TrustManager manager : managers) {
                try {
                    manager.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            managers.get(managers.size() - 1).checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>();
            managers.forEach(m -> all.addAll(List.of(m.getAcceptedIssuers())));
            return all.toArray(new X509Certificate[0]);
        }
    }
}
