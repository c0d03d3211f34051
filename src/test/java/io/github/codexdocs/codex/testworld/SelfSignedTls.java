package io.github.codexdocs.codex.testworld;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS server identity made by the JDK's {@code keytool} (RSA 2048, valid two days): the server's
 * {@link SSLContext} and the certificate as PEM (what {@code keytool -exportcert -rfc} writes), which clients
 * trust as their only CA.
 */
final class SelfSignedTls {

    private final SSLContext serverContext;
    private final Path certificatePem;

    private SelfSignedTls(SSLContext serverContext, Path certificatePem) {
        this.serverContext = serverContext;
        this.certificatePem = certificatePem;
    }

    /**
     * Generates {@code <dir>/<name>-tls.p12} and {@code <dir>/<name>-ca.pem}.
     *
     * @param distinguishedName e.g. {@code CN=127.0.0.1}
     * @param subjectAltNames   keytool's syntax, e.g. {@code ip:127.0.0.1,dns:localhost}
     */
    static SelfSignedTls generate(Path dir, String name, String distinguishedName, String subjectAltNames) {
        try {
            Files.createDirectories(dir);
            Path keyStore = dir.resolve(name + "-tls.p12");
            Path pem = dir.resolve(name + "-ca.pem");
            char[] password = Randoms.alphanumeric(16).toCharArray();
            Files.deleteIfExists(keyStore);
            keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", distinguishedName, "-ext", "SAN=" + subjectAltNames,
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                    "-storepass", new String(password), "-keypass", new String(password));
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, password);
            }
            // what "keytool -exportcert -rfc" writes, without starting another JVM
            Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'})
                            .encodeToString(store.getCertificate(name).getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            return new SelfSignedTls(tls, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For {@code HttpsServer.setHttpsConfigurator}. */
    SSLContext serverContext() {
        return serverContext;
    }

    /** The certificate as PEM. */
    Path certificatePem() {
        return certificatePem;
    }

    /** An SSL context that trusts exactly {@link #certificatePem()}, for clients in tests. */
    SSLContext clientContext() {
        return trusting(certificatePem);
    }

    /** An SSL context that trusts exactly the certificate in {@code pem}. */
    static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        } finally {
            process.destroy();
        }
    }
}
