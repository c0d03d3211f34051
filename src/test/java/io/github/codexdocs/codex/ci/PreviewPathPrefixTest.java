package io.github.codexdocs.codex.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.CodexException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewPathPrefixTest {
    @TempDir
    Path dir;

    private Map<String, String> job(String event, String payload) throws IOException {
        Path file = dir.resolve("event.json");
        Files.writeString(file, payload);
        Map<String, String> env = new HashMap<>();
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITHUB_EVENT_NAME", event);
        env.put("GITHUB_EVENT_PATH", file.toString());
        env.put("GITHUB_REPOSITORY", "elastic/docs-content");
        env.put("GITHUB_REF_NAME", "main");
        return env;
    }

    private static Optional<String> derive(Map<String, String> env) {
        return PreviewPathPrefix.derive(new GitHubActions(env));
    }

    private static String failure(Map<String, String> env) {
        return assertThrows(CodexException.class, () -> derive(env)).getMessage();
    }

    @Test
    void noPrefixOutsideGitHubActions() {
        assertEquals(Optional.empty(), derive(Map.of("GITHUB_EVENT_NAME", "push")));
        assertEquals(Optional.empty(), derive(Map.of("GITHUB_ACTIONS", "false", "GITHUB_EVENT_NAME", "push")));
    }

    @Test
    void pullRequestEventsUseTheNumberFromThePayload() throws IOException {
        for (String event : new String[] {"pull_request", "pull_request_target"}) {
            assertEquals(Optional.of("/_preview/elastic/docs-content/pull/1234"),
                    derive(job(event, "{\"pull_request\":{\"number\":1234}}")));
        }
    }

    @Test
    void mergeGroupUsesThePullRequestOfTheQueueRef() throws IOException {
        assertEquals(Optional.of("/_preview/elastic/docs-content/pull/99"), derive(job("merge_group",
                "{\"merge_group\":{\"head_ref\":\"refs/heads/gh-readonly-queue/main/pr-99-5d41402abc4b2a76\"}}")));
    }

    @Test
    void mergeGroupWithoutANumberFails() throws IOException {
        assertTrue(failure(job("merge_group", "{\"merge_group\":{\"head_ref\":\"refs/heads/x\"}}"))
                .contains("the event payload has no pull request number; set <pathPrefix>"));
    }

    @Test
    void pushAndDispatchUseTheRefName() throws IOException {
        Map<String, String> env = job("push", "{}");
        env.put("GITHUB_REF_NAME", "release/9.1");
        assertEquals(Optional.of("/_preview/elastic/docs-content/tree/release/9.1"), derive(env));
        assertEquals(Optional.of("/_preview/elastic/docs-content/tree/main"), derive(job("workflow_dispatch", "{}")));
    }

    @Test
    void unsupportedEventNamesTheEventAndTheSetting() throws IOException {
        String message = failure(job("schedule", "{}"));
        assertTrue(message.contains("unsupported GitHub event 'schedule'"), message);
        assertTrue(message.contains("set <pathPrefix> (codex.pathPrefix)"), message);
    }

    @Test
    void missingFactsFailWithTheVariableName() throws IOException {
        Map<String, String> env = job("push", "{}");
        env.remove("GITHUB_REF_NAME");
        assertTrue(failure(env).contains("GITHUB_REF_NAME is not set"));
        env = job("push", "{}");
        env.remove("GITHUB_REPOSITORY");
        assertTrue(failure(env).contains("GITHUB_REPOSITORY is not set"));
        env = job("push", "{}");
        env.remove("GITHUB_EVENT_NAME");
        assertTrue(failure(env).contains("GITHUB_EVENT_NAME is not set"));
        env = job("pull_request", "{}");
        env.remove("GITHUB_EVENT_PATH");
        assertTrue(failure(env).contains("GITHUB_EVENT_PATH is not set"));
    }

    @Test
    void unreadablePayloadFails() throws IOException {
        assertTrue(failure(job("pull_request", "not json")).contains("could not be read as JSON"));
        assertTrue(failure(job("pull_request", "{\"pull_request\":{}}")).contains("has no pull request number"));
    }
}
