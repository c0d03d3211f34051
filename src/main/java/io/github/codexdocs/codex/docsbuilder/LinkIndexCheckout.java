package io.github.codexdocs.codex.docsbuilder;

import io.github.codexdocs.codex.BuildLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * docs-builder's clone of the private codex link index, in its application-data folder
 * ({@code <data>/elastic/docs-builder/codex-link-index}), kept across builds so that the next fetch is quick.
 *
 * <p>Left to itself, docs-builder stores {@code https://oauth2:<token>@github.com/...} as the clone's remote the first
 * time and never changes it: the token stays on disk, later builds reuse the expired token, and a clone first made
 * over SSH or anonymously stays that way. So, in GitHub Actions, the plugin sets the remote to the plain HTTPS URL
 * before docs-builder runs (creating the clone when there is none, so that docs-builder does not add its own remote),
 * hands the token to git through the environment as an {@code Authorization} header for {@code https://github.com/}
 * only, and after docs-builder removes any credentials from the stored remote URLs.
 */
public final class LinkIndexCheckout {
    public static final String HTTPS_URL = "https://github.com/elastic/codex-link-index.git";
    private static final Pattern CREDENTIALS_IN_URL = Pattern.compile("(?m)^(\\s*url\\s*=\\s*[A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@");

    private final Path folder;
    private final Map<String, String> environment;
    private final BuildLog log;

    public LinkIndexCheckout(Path folder, Map<String, String> environment, BuildLog log) {
        this.folder = folder;
        this.environment = environment;
        this.log = log;
    }

    /**
     * Where docs-builder keeps the clone: .NET's local application-data folder ({@code LOCALAPPDATA} on Windows,
     * {@code ~/Library/Application Support} on macOS, elsewhere {@code XDG_DATA_HOME} when it is an absolute path, as
     * .NET requires, or else {@code ~/.local/share}).
     */
    public static Path folder(Map<String, String> environment, String osName) {
        String os = osName.toLowerCase(java.util.Locale.ROOT);
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        Path data;
        if (os.startsWith("windows")) {
            data = Path.of(environment.getOrDefault("LOCALAPPDATA", home));
        } else if (os.startsWith("mac")) {
            data = Path.of(home, "Library", "Application Support");
        } else {
            String xdg = environment.get("XDG_DATA_HOME");
            data = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(home, ".local", "share");
        }
        return data.resolve("elastic").resolve("docs-builder").resolve("codex-link-index");
    }

    /** Points the clone's remote at the plain HTTPS URL, creating the clone if there is none. */
    public void prepare() {
        synchronized (LinkIndexCheckout.class) { // modules built in parallel share the clone
            prepareClone();
        }
    }

    private void prepareClone() {
        try {
            Files.createDirectories(folder);
            if (!Files.exists(folder.resolve(".git"))) {
                git("init", "-q");
            }
            if (!git("remote", "set-url", "origin", HTTPS_URL)) {
                git("remote", "add", "origin", HTTPS_URL);
            }
        } catch (IOException e) {
            log.debug("Could not prepare the codex link index clone in " + folder + ": " + e.getMessage());
        }
    }

    /** Removes any user name and password that docs-builder wrote into the clone's remote URLs. */
    public void removeStoredCredentials() {
        synchronized (LinkIndexCheckout.class) {
            removeCredentialsFromConfig();
        }
    }

    private void removeCredentialsFromConfig() {
        Path config = folder.resolve(".git").resolve("config");
        try {
            if (!Files.isRegularFile(config)) {
                return;
            }
            String text = Files.readString(config, StandardCharsets.UTF_8);
            String cleaned = CREDENTIALS_IN_URL.matcher(text).replaceAll("$1");
            if (!cleaned.equals(text)) {
                Files.writeString(config, cleaned, StandardCharsets.UTF_8);
                log.info("Removed the credentials docs-builder stored in " + config + ".");
            }
        } catch (IOException e) {
            log.warn("Could not check " + config + " for stored credentials (" + e.getMessage()
                    + "); delete that folder if it holds a token.");
        }
    }

    /**
     * Adds to a child environment the git configuration that sends the token to {@code https://github.com/} only,
     * after any configuration the environment already carries in {@code GIT_CONFIG_COUNT}.
     *
     * @return the encoded credentials, a secret as much as the token
     */
    public static String addGitCredentials(Map<String, String> childEnvironment, String token) {
        int count;
        try {
            count = Integer.parseInt(childEnvironment.getOrDefault("GIT_CONFIG_COUNT", "0").trim());
        } catch (NumberFormatException e) {
            count = 0;
        }
        String basic = Base64.getEncoder().encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8));
        childEnvironment.put("GIT_CONFIG_KEY_" + count, "http.https://github.com/.extraheader");
        childEnvironment.put("GIT_CONFIG_VALUE_" + count, "AUTHORIZATION: basic " + basic);
        childEnvironment.put("GIT_CONFIG_COUNT", Integer.toString(count + 1));
        return basic;
    }

    private boolean git(String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process process = builder.start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> command(String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        return command;
    }
}
