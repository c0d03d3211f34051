package io.github.codexdocs.codex.ci;

import io.github.codexdocs.codex.CodexException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives docs-builder's {@code --path-prefix} from the GitHub event, as the original {@code codex/build}
 * action did: {@code /_preview/<repo>/pull/<number>} for pull requests and merge queues,
 * {@code /_preview/<repo>/tree/<ref name>} for pushes and manual runs.
 */
public final class PreviewPathPrefix {
    private static final Pattern MERGE_QUEUE_PR = Pattern.compile("/pr-(\\d+)-");
    private static final String SET_IT = "set <pathPrefix> (codex.pathPrefix) in the plugin configuration";

    private PreviewPathPrefix() {
    }

    /** The prefix for this job, or empty outside GitHub Actions. */
    public static Optional<String> derive(GitHubActions actions) {
        if (!actions.isActive()) {
            return Optional.empty();
        }
        String event = actions.eventName()
                .orElseThrow(() -> new CodexException("Cannot derive the docs path prefix: GITHUB_EVENT_NAME is not set; "
                        + SET_IT + "."));
        String repository = actions.repository()
                .orElseThrow(() -> new CodexException("Cannot derive the docs path prefix: GITHUB_REPOSITORY is not set; "
                        + SET_IT + "."));
        switch (event) {
            case "pull_request":
            case "pull_request_target":
            case "merge_group":
                return Optional.of("/_preview/" + repository + "/pull/" + pullRequestNumber(actions, event));
            case "push":
            case "workflow_dispatch":
                String ref = actions.refName()
                        .orElseThrow(() -> new CodexException("Cannot derive the docs path prefix for a '" + event
                                + "' event: GITHUB_REF_NAME is not set; " + SET_IT + "."));
                return Optional.of("/_preview/" + repository + "/tree/" + ref);
            default:
                throw new CodexException("Cannot derive the docs path prefix: unsupported GitHub event '" + event
                        + "' (supported: pull_request, pull_request_target, merge_group, push, workflow_dispatch); "
                        + SET_IT + ".");
        }
    }

    private static String pullRequestNumber(GitHubActions actions, String event) {
        Path payload = actions.eventPath()
                .orElseThrow(() -> new CodexException("Cannot derive the docs path prefix for a '" + event
                        + "' event: GITHUB_EVENT_PATH is not set; " + SET_IT + "."));
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(payload));
        } catch (IOException e) {
            throw new CodexException("Cannot derive the docs path prefix: the event payload " + payload
                    + " could not be read as JSON; " + SET_IT + ".");
        }
        JsonNode number = root.path("pull_request").path("number");
        if (number.canConvertToLong() && number.asLong() > 0) {
            return Long.toString(number.asLong());
        }
        // A merge queue event has no pull_request object; its head ref names the pull request:
        // refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>.
        Matcher queued = MERGE_QUEUE_PR.matcher(root.path("merge_group").path("head_ref").asText(""));
        if (queued.find()) {
            return queued.group(1);
        }
        throw new CodexException("Cannot derive the docs path prefix for a '" + event
                + "' event: the event payload has no pull request number; " + SET_IT + ".");
    }
}
