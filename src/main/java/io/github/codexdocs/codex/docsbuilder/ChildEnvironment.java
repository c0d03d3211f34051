package io.github.codexdocs.codex.docsbuilder;

import io.github.codexdocs.codex.CodexException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The environment docs-builder runs with: the parent's, less the credentials it has no use for, plus the
 * variables the user configured, plus (when one was obtained) the GitHub token.
 */
public final class ChildEnvironment {
    /** Credentials of the CI job that docs-builder must never see. */
    static final Set<String> WITHHELD = Set.of(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "ACTIONS_RUNTIME_TOKEN",
            "VAULT_TOKEN");
    /** The variable docs-builder itself reads the token from, whatever name the plugin hands it over in. */
    private static final String DOCS_BUILDER_TOKEN_VARIABLE = "GITHUB_TOKEN";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ChildEnvironment() {
    }

    /** Whether a name is one of the job's credentials (compared without case, as Windows does). */
    public static boolean isWithheld(String name) {
        return WITHHELD.stream().anyMatch(withheld -> withheld.equalsIgnoreCase(name));
    }

    /**
     * @param parent        the environment of the Maven process
     * @param configured    the user's {@code environmentVariables}; a null value means empty
     * @param tokenVariable the name the token is handed over in; it and {@code GITHUB_TOKEN} are removed from the
     *                      inherited environment so that a build without a token has no token variable at all
     */
    public static Map<String, String> of(Map<String, String> parent, Map<String, String> configured,
                                         String tokenVariable) {
        Map<String, String> child = new TreeMap<>(parent);
        child.keySet().removeIf(name -> isWithheld(name) || name.equals(tokenVariable)
                || name.equals(DOCS_BUILDER_TOKEN_VARIABLE));
        configured.forEach((name, value) -> {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new CodexException("<environmentVariables> has an invalid variable name '" + name
                        + "': use letters, digits and underscores, not starting with a digit.");
            }
            if (isWithheld(name)) {
                throw new CodexException("<environmentVariables> may not set " + name + ": docs-builder never gets"
                        + " the job's credentials; remove it.");
            }
            child.put(name, value == null ? "" : value);
        });
        // A prompt for a user name or password would wait for ever in CI; git fails instead.
        child.putIfAbsent("GIT_TERMINAL_PROMPT", "0");
        return child;
    }
}
