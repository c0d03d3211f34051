package io.github.codexdocs.codex.testworld.docsbuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Git fixtures for the codex link index: a local bare repository with {@code internal/link-index.json} and
 * {@code internal/elastic/<repo>/links.json}, and the git configuration (as environment variables) that
 * redirects docs-builder's GitHub URLs to it.
 *
 * <p>How URL mapping works with git 2.39: {@code url.<base>.insteadOf=<prefix>} is a plain string-prefix
 * rewrite of the URL (longest matching prefix wins; a key may have several values). So
 * <ul>
 *   <li>{@code https://github.com/elastic/codex-link-index.git} (GITHUB_ACTIONS, no token) is matched by the
 *       prefix {@code https://github.com/} or the whole URL;</li>
 *   <li>{@code https://oauth2:<TOKEN>@github.com/elastic/codex-link-index.git} (GITHUB_ACTIONS + GITHUB_TOKEN)
 *       is NOT matched by {@code https://github.com/}; it needs its own value with the token in it, e.g.
 *       {@code https://oauth2:<TOKEN>@github.com/}. (The prefix {@code https://oauth2:} alone would leave
 *       {@code <TOKEN>@github.com/...} glued to the base, which is useless.) For an HTTP loopback server that
 *       should see the credentials, map it to {@code http://oauth2:<TOKEN>@127.0.0.1:<port>/};</li>
 *   <li>{@code git@github.com:elastic/codex-link-index.git} (no GITHUB_ACTIONS, SSH) is matched by the prefix
 *       {@code git@github.com:}.</li>
 * </ul>
 * The configuration is passed without touching any file through {@code GIT_CONFIG_COUNT},
 * {@code GIT_CONFIG_KEY_<n>} and {@code GIT_CONFIG_VALUE_<n>} (git 2.31+).
 */
public final class LinkIndexRepo {

    public static final String HTTPS_URL = "https://github.com/elastic/codex-link-index.git";
    public static final String SSH_URL = "git@github.com:elastic/codex-link-index.git";

    private LinkIndexRepo() {
    }

    /** The URL docs-builder uses in GitHub Actions with a token. */
    public static String tokenUrl(String token) {
        return "https://oauth2:" + token + "@github.com/elastic/codex-link-index.git";
    }

    /**
     * Creates a bare repository {@code dir} whose HEAD commit holds the link index: {@code repoLinks} maps a
     * repository name (as used in {@code cross_links}) to the page paths of its {@code links.json}.
     *
     * @return the {@code file://} URL of the bare repository
     */
    public static String createBare(Path dir, Map<String, List<String>> repoLinks, Map<String, String> gitEnv) {
        try {
            Path work = Files.createTempDirectory(dir.toAbsolutePath().getParent(), "link-index-work");
            git(work, gitEnv, "init", "-q", "-b", "main");
            StringBuilder registry = new StringBuilder("{\"repositories\": {");
            boolean first = true;
            for (Map.Entry<String, List<String>> e : repoLinks.entrySet()) {
                Path links = work.resolve("internal/elastic/" + e.getKey() + "/links.json");
                Files.createDirectories(links.getParent());
                StringBuilder json = new StringBuilder("{\"origin\": {\"branch\": \"main\"}, \"links\": {");
                for (int i = 0; i < e.getValue().size(); i++) {
                    json.append(i == 0 ? "" : ", ").append(DocsBuilderStandIn.MiniJson.quote(e.getValue().get(i)))
                            .append(": {}");
                }
                json.append("}}\n");
                Files.writeString(links, json, StandardCharsets.UTF_8);
                registry.append(first ? "" : ", ").append(DocsBuilderStandIn.MiniJson.quote(e.getKey()))
                        .append(": {\"main\": {\"path\": ")
                        .append(DocsBuilderStandIn.MiniJson.quote("elastic/" + e.getKey() + "/main/links.json"))
                        .append("}}");
                first = false;
            }
            registry.append("}}\n");
            Files.createDirectories(work.resolve("internal"));
            Files.writeString(work.resolve("internal/link-index.json"), registry, StandardCharsets.UTF_8);
            git(work, gitEnv, "add", "-A");
            git(work, gitEnv, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m",
                    "link index");
            git(work.getParent(), gitEnv, "clone", "-q", "--bare", work.toString(), dir.toAbsolutePath().toString());
            return dir.toAbsolutePath().toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Environment variables that make git rewrite each of {@code urlPrefixes} to {@code target}. Merge them into
     * the environment of the process that runs git (replaces any other {@code GIT_CONFIG_COUNT} settings).
     */
    public static Map<String, String> insteadOf(String target, String... urlPrefixes) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GIT_CONFIG_COUNT", Integer.toString(urlPrefixes.length));
        for (int i = 0; i < urlPrefixes.length; i++) {
            env.put("GIT_CONFIG_KEY_" + i, "url." + target + ".insteadOf");
            env.put("GIT_CONFIG_VALUE_" + i, urlPrefixes[i]);
        }
        return env;
    }

    /**
     * Hermetic git settings: no system config, an empty global config, no prompts. {@code home} receives the
     * empty {@code .gitconfig}.
     */
    public static Map<String, String> hermeticGitEnv(Path home) {
        try {
            Files.createDirectories(home);
            Path global = home.resolve(".gitconfig");
            if (!Files.exists(global)) {
                Files.writeString(global, "");
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HOME", home.toString());
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_CONFIG_GLOBAL", global.toString());
            env.put("GIT_TERMINAL_PROMPT", "0");
            env.put("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=2");
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs git in {@code dir} and fails on a non-zero exit. */
    public static void git(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("git " + String.join(" ", args) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed (" + p.exitValue() + "): "
                        + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
