package io.github.codexdocs.codex.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The Vault role a workflow's token policy is registered under: {@code token-policy-} followed by the first 12 hex
 * characters of the SHA-256 of {@code GITHUB_WORKFLOW_REF} up to its first {@code @} (the branch-independent part),
 * hashed without a trailing newline.
 */
public final class VaultRole {
    static final String PREFIX = "token-policy-";

    private VaultRole() {
    }

    /** The role for this workflow ref, or empty when the ref is missing or names no workflow. */
    public static Optional<String> fromWorkflowRef(String workflowRef) {
        if (workflowRef == null) {
            return Optional.empty();
        }
        int at = workflowRef.indexOf('@');
        String workflow = (at < 0 ? workflowRef : workflowRef.substring(0, at)).trim();
        if (workflow.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(PREFIX + HexFormat.of().formatHex(sha256(workflow)).substring(0, 12));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
