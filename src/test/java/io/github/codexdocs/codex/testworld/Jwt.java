package io.github.codexdocs.codex.testworld;

import com.fasterxml.jackson.core.type.TypeReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/** A compact JWS (RS256 only), signed and verified for real with {@code SHA256withRSA}. */
final class Jwt {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    final Map<String, Object> header;
    final Map<String, Object> claims;
    private final String signingInput;
    private final byte[] signature;

    private Jwt(Map<String, Object> header, Map<String, Object> claims, String signingInput, byte[] signature) {
        this.header = header;
        this.claims = claims;
        this.signingInput = signingInput;
        this.signature = signature;
    }

    static String sign(Map<String, Object> header, Map<String, Object> claims, PrivateKey key) {
        String signingInput = encodeJson(header) + "." + encodeJson(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + ENCODER.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses without verifying. @throws IllegalArgumentException when it is not a compact JWS. */
    static Jwt parse(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("compact JWS format must have three parts");
        }
        try {
            return new Jwt(decodeJson(parts[0]), decodeJson(parts[1]), parts[0] + "." + parts[1],
                    DECODER.decode(parts[2]));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed JWS", e);
        }
    }

    boolean verify(PublicKey key) {
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return rsa.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String base64Url(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    private static String encodeJson(Map<String, Object> object) {
        try {
            return ENCODER.encodeToString(Exchanges.JSON.writeValueAsBytes(object));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> decodeJson(String part) throws IOException {
        return Exchanges.JSON.readValue(DECODER.decode(part), OBJECT);
    }
}
