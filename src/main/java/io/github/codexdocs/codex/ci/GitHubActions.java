package io.github.codexdocs.codex.ci;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The facts a GitHub Actions job exposes through its environment. Built from an environment map so that
 * it can be tested with {@code Map.of(...)}; nothing below the mojo reads {@code System.getenv()}.
 */
public final class GitHubActions {
    private final Map<String, String> environment;

    public GitHubActions(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** True inside a GitHub Actions job ({@code GITHUB_ACTIONS=true}). */
    public boolean isActive() {
        return "true".equalsIgnoreCase(environment.getOrDefault("GITHUB_ACTIONS", "").trim());
    }

    public Optional<String> workflowRef() {
        return value("GITHUB_WORKFLOW_REF");
    }

    public Optional<String> eventName() {
        return value("GITHUB_EVENT_NAME");
    }

    public Optional<Path> eventPath() {
        return value("GITHUB_EVENT_PATH").map(Path::of);
    }

    public Optional<String> repository() {
        return value("GITHUB_REPOSITORY");
    }

    public Optional<String> refName() {
        return value("GITHUB_REF_NAME");
    }

    public Optional<String> idTokenRequestUrl() {
        return value("ACTIONS_ID_TOKEN_REQUEST_URL");
    }

    /** The bearer secret for the OIDC token request; never log it. */
    public Optional<String> idTokenRequestToken() {
        return value("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    }

    public Optional<Path> outputFile() {
        return value("GITHUB_OUTPUT").map(Path::of);
    }

    public Optional<Path> stepSummaryFile() {
        return value("GITHUB_STEP_SUMMARY").map(Path::of);
    }

    private Optional<String> value(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
