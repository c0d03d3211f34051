package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.BuildLog;
import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.RecordingLog;
import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.testworld.GitHubApi;
import io.github.codexdocs.codex.testworld.GitHubTokenRegistry;
import io.github.codexdocs.codex.testworld.OidcIssuer;
import io.github.codexdocs.codex.testworld.VaultEmulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The token step of codex:build, as the executions of one Maven session see it. */
class BuildTokenTest {
    private static final String ROLE = VaultRole.fromWorkflowRef(OidcIssuer.DEFAULT_WORKFLOW_REF).orElseThrow();

    private final GitHubTokenRegistry tokens = new GitHubTokenRegistry();
    private final OidcIssuer issuer = OidcIssuer.start();
    private final VaultEmulator vault = VaultEmulator.start(issuer, tokens);
    private final GitHubApi github = GitHubApi.start(tokens);
    private final RecordingLog log = new RecordingLog();

    BuildTokenTest() {
        vault.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
    }

    @AfterEach
    void stop() {
        github.close();
        vault.close();
        issuer.close();
    }

    private Map<String, String> job() {
        return issuer.jobEnvironment();
    }

    private static final HttpSettings HTTP = new HttpSettings(List.of(), Duration.ofSeconds(2), Duration.ofSeconds(2),
            null);

    private TokenSettings settings(String authMount) {
        return new TokenSettings(vault.address(), null, null, "vault", authMount, "github/token/{role}", null,
                Duration.ofSeconds(2));
    }

    private BuildToken step(BuildLog to, Map<String, String> env, String authMount, boolean failOnTokenError,
                            boolean skipTokenRevoke, SessionToken session) {
        return new BuildToken(to, new GitHubActions(env), settings(authMount), HTTP,
                new BuildToken.Policy(failOnTokenError, skipTokenRevoke, github.url()), session);
    }

    private BuildToken step(Map<String, String> env, boolean failOnTokenError, boolean skipTokenRevoke,
                            SessionToken session) {
        return step(log, env, "github-oidc", failOnTokenError, skipTokenRevoke, session);
    }

    @Test
    void outsideGitHubActionsNothingIsFetchedAndOneLineSaysSo() {
        BuildToken step = step(Map.of(), true, false, new SessionToken(1));
        TokenOutcome outcome = step.obtain();
        step.release(outcome);
        assertTrue(outcome.token().isEmpty());
        assertEquals(List.of("INFO Not running in GitHub Actions: no GitHub token is fetched, docs-builder reaches the"
                + " link index over SSH."), log.lines);
        assertEquals(0, issuer.requestCount());
    }

    @Test
    void aFailedFetchWarnsOnceForAllTheExecutionsOfTheSession() {
        Map<String, String> env = job();
        env.remove("ACTIONS_ID_TOKEN_REQUEST_URL");
        SessionToken session = new SessionToken(3);
        for (int module = 0; module < 3; module++) {
            BuildToken step = step(env, false, false, session);
            TokenOutcome outcome = step.obtain();
            assertTrue(outcome.token().isEmpty());
            step.release(outcome);
        }
        assertEquals(1, log.at("WARN").size(), log.lines.toString());
        assertTrue(log.at("WARN").get(0).endsWith(" docs-builder runs without a token (Vault role " + ROLE + ")."));
        assertEquals(1, log.at("RAW").size());
        assertTrue(log.at("RAW").get(0).startsWith("::warning title=No GitHub token for docs-builder::No GitHub token:"));
        assertEquals(2, log.at("INFO").stream().filter("No GitHub token for this build (see the warning above)."::equals)
                .count());
    }

    @Test
    void withFailOnTokenErrorEveryExecutionFailsAndNothingIsWarned() {
        Map<String, String> env = job();
        env.remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        SessionToken session = new SessionToken(2);
        for (int module = 0; module < 2; module++) {
            CodexException e = assertThrows(CodexException.class, () -> step(env, true, true, session).obtain());
            assertTrue(e.getMessage().endsWith("(failOnTokenError is set)"), e.getMessage());
        }
        assertTrue(log.at("WARN").isEmpty());
        assertTrue(log.at("RAW").isEmpty());
    }

    @Test
    void theTokenIsMaskedOnceBeforeAnyExecutionUsesItAndALeasedOneRevokedAfterTheLast() {
        vault.cached(ROLE, false);
        SessionToken session = new SessionToken(2);
        BuildToken first = step(job(), false, false, session);
        BuildToken second = step(job(), false, false, session);
        TokenOutcome a = first.obtain();
        TokenOutcome b = second.obtain();
        String token = a.token().orElseThrow().value();
        assertEquals(token, b.token().orElseThrow().value());
        assertEquals("RAW ::add-mask::" + token, log.lines.stream().filter(l -> !l.startsWith("DEBUG ")).findFirst()
                .orElseThrow(), "the mask came after other output");
        assertEquals(1, log.at("RAW").size());
        assertEquals("Obtained a GitHub token from Vault with role " + ROLE + " (leased).", log.at("INFO").get(0));
        assertEquals("Reusing this build's GitHub token from Vault role " + ROLE + ".", log.at("INFO").get(1));

        first.release(a);
        assertTrue(github.revokedTokens().isEmpty(), "revoked while another execution still used it");
        second.release(b);
        assertEquals(List.of(token), github.revokedTokens());
        assertTrue(log.at("INFO").contains("Revoked the GitHub token."));
        assertEquals(1, issuer.requestCount());
        for (String line : log.lines) {
            assertFalse(line.contains(token) && !line.startsWith("RAW ::add-mask::"), "the token is in: " + line);
        }
    }

    @Test
    void aCachedTokenIsNotRevokedAndSaysWhy() {
        BuildToken step = step(job(), false, false, new SessionToken(1));
        TokenOutcome outcome = step.obtain();
        step.release(outcome);
        assertTrue(github.revokedTokens().isEmpty());
        assertTrue(log.at("INFO").contains("The GitHub token comes from a cached policy shared with other workflows (no"
                + " lease), so it is not revoked."), log.lines.toString());
    }

    @Test
    void aVaultSettingThatMakesNoUrlIsATokenFailureNotACrash() {
        TokenOutcome outcome = step(log, job(), "github oidc", false, true, new SessionToken(1)).obtain();
        assertTrue(outcome.token().isEmpty());
        assertEquals(List.of("No GitHub token: reading the Vault settings failed: the Vault settings or"
                + " ACTIONS_ID_TOKEN_REQUEST_URL do not make a valid URL; check <vaultAddress>, <vaultAuthMount>,"
                + " <vaultSecretPath> and <vaultRole> for spaces or other characters a URL cannot hold. docs-builder"
                + " runs without a token (Vault role " + ROLE + ")."), log.at("WARN"));
    }

    @Test
    void inAParallelBuildNoExecutionGetsTheTokenBeforeItIsMasked() throws Exception {
        // a runner that is slow to take the mask: under -T another module must still wait for it
        BuildLog slowToMask = new BuildLog() {
            public void debug(String message) {
                log.debug(message);
            }

            public void info(String message) {
                log.info(message);
            }

            public void warn(String message) {
                log.warn(message);
            }

            public void error(String message) {
                log.error(message);
            }

            public void raw(String line) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.raw(line);
            }
        };
        SessionToken session = new SessionToken(2);
        Runnable module = () -> step(slowToMask, job(), "github-oidc", false, true, session).obtain();
        vault.enqueueFault(VaultEmulator.Fault.delay(Duration.ofMillis(300)));
        Thread first = new Thread(module);
        first.start();
        for (int i = 0; i < 100 && issuer.requestCount() == 0; i++) {
            Thread.sleep(10);
        }
        Thread second = new Thread(module);
        second.start();
        first.join(10_000);
        second.join(10_000);
        int mask = indexOf("RAW ::add-mask::");
        int reuse = indexOf("INFO Reusing this build's GitHub token");
        assertTrue(mask >= 0 && reuse > mask, "another module had the token before it was masked: " + log.lines);
    }

    private int indexOf(String prefix) {
        synchronized (log.lines) {
            for (int i = 0; i < log.lines.size(); i++) {
                if (log.lines.get(i).startsWith(prefix)) {
                    return i;
                }
            }
        }
        return -1;
    }
}
