package io.github.codexdocs.codex.docsbuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.codexdocs.codex.CodexException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {
    private static final Map<String, String> PARENT = Map.of(
            "PATH", "/usr/bin",
            "GITHUB_ACTIONS", "true",
            "ACTIONS_ID_TOKEN_REQUEST_URL", "https://example/token?x",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-secret",
            "ACTIONS_RUNTIME_TOKEN", "runtime-secret",
            "VAULT_TOKEN", "hvs.secret",
            "GITHUB_TOKEN", "ghs_inherited");

    @Test
    void credentialsAndTheTokenVariableAreWithheld() {
        Map<String, String> child = ChildEnvironment.of(PARENT, Map.of(), "GITHUB_TOKEN");
        assertEquals(Map.of("PATH", "/usr/bin", "GITHUB_ACTIONS", "true", "GIT_TERMINAL_PROMPT", "0"), child);
    }

    @Test
    void withAnotherTokenVariableNameBothAreWithheld() {
        Map<String, String> parent = new HashMap<>(PARENT);
        parent.put("DOCS_TOKEN", "inherited");
        Map<String, String> child = ChildEnvironment.of(parent, Map.of(), "DOCS_TOKEN");
        assertFalse(child.containsKey("GITHUB_TOKEN"));
        assertFalse(child.containsKey("DOCS_TOKEN"));
        assertFalse(child.containsKey("VAULT_TOKEN"));
    }

    @Test
    void configuredVariablesAreAddedAndNullMeansEmpty() {
        Map<String, String> configured = new HashMap<>();
        configured.put("THEME", "dark");
        configured.put("_EMPTY1", null);
        Map<String, String> child = ChildEnvironment.of(PARENT, configured, "GITHUB_TOKEN");
        assertEquals("dark", child.get("THEME"));
        assertEquals("", child.get("_EMPTY1"));
    }

    @Test
    void theJobsCredentialsCannotBeConfiguredBackInWhateverTheirCase() {
        for (String name : new String[] {"VAULT_TOKEN", "vault_token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"}) {
            CodexException e = assertThrows(CodexException.class,
                    () -> ChildEnvironment.of(Map.of(), Map.of(name, "secret-value"), "GITHUB_TOKEN"));
            assertEquals("<environmentVariables> may not set " + name + ": docs-builder never gets the job's"
                    + " credentials; remove it.", e.getMessage());
        }
        Map<String, String> parent = Map.of("Vault_Token", "hvs.x", "PATH", "/bin");
        assertFalse(ChildEnvironment.of(parent, Map.of(), "GITHUB_TOKEN").containsKey("Vault_Token"));
    }

    @Test
    void gitNeverPromptsUnlessAskedTo() {
        assertEquals("0", ChildEnvironment.of(Map.of(), Map.of(), "GITHUB_TOKEN").get("GIT_TERMINAL_PROMPT"));
        assertEquals("1", ChildEnvironment.of(Map.of("GIT_TERMINAL_PROMPT", "1"), Map.of(), "GITHUB_TOKEN")
                .get("GIT_TERMINAL_PROMPT"));
    }

    @Test
    void invalidNamesAreRejectedWithoutTheirValue() {
        for (String name : new String[] {"1ABC", "A-B", "A B", "", "Ä"}) {
            CodexException e = assertThrows(CodexException.class,
                    () -> ChildEnvironment.of(PARENT, Map.of(name, "secret-value"), "GITHUB_TOKEN"));
            assertEquals("<environmentVariables> has an invalid variable name '" + name
                    + "': use letters, digits and underscores, not starting with a digit.", e.getMessage());
        }
    }
}
