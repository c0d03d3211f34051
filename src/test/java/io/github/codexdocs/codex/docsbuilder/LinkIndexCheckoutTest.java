package io.github.codexdocs.codex.docsbuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.RecordingLog;
import io.github.codexdocs.codex.testworld.docsbuilder.DocsBuilderStandIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class LinkIndexCheckoutTest {
    @TempDir
    Path dir;

    private final RecordingLog log = new RecordingLog();

    private Map<String, String> gitEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", dir.resolve("home").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        return env;
    }

    private String remote(Path folder) throws IOException {
        return Files.readString(folder.resolve(".git/config"));
    }

    private void git(Path folder, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).inheritIO();
        builder.environment().putAll(gitEnvironment());
        assertEquals(0, builder.start().waitFor());
    }

    @Test
    void theFolderIsDotNetsLocalApplicationData() {
        Map<String, String> env = Map.of("HOME", "/home/u", "XDG_DATA_HOME", "/data", "LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local");
        assertEquals(Path.of("/data/elastic/docs-builder/codex-link-index"), LinkIndexCheckout.folder(env, "Linux"));
        assertEquals(Path.of("/home/u/.local/share/elastic/docs-builder/codex-link-index"),
                LinkIndexCheckout.folder(Map.of("HOME", "/home/u"), "Linux"));
        assertEquals(Path.of("/home/u/.local/share/elastic/docs-builder/codex-link-index"),
                LinkIndexCheckout.folder(Map.of("HOME", "/home/u", "XDG_DATA_HOME", "data"), "Linux"),
                "a relative XDG_DATA_HOME is ignored, as .NET does");
        assertEquals(Path.of("/home/u/Library/Application Support/elastic/docs-builder/codex-link-index"),
                LinkIndexCheckout.folder(env, "Mac OS X"));
        assertEquals(Path.of("C:\\Users\\u\\AppData\\Local", "elastic", "docs-builder", "codex-link-index"),
                LinkIndexCheckout.folder(env, "Windows 11"));
    }

    @Test
    void theFolderIsTheOneTheDocsBuilderStandInUses() {
        for (Map<String, String> env : List.of(Map.of("HOME", "/home/u"), Map.of("HOME", "/home/u", "XDG_DATA_HOME",
                "/data"), Map.of("HOME", "/home/u", "XDG_DATA_HOME", "data"), Map.of("HOME", "/home/u",
                "XDG_DATA_HOME", " "), Map.of("LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local"))) {
            for (String os : List.of("Linux", "Mac OS X", "FreeBSD", "Windows 11")) {
                if (os.startsWith("Windows") != env.containsKey("LOCALAPPDATA")) {
                    continue;
                }
                assertEquals(DocsBuilderStandIn.linkIndexFolder(env, os), LinkIndexCheckout.folder(env, os),
                        os + " " + env);
            }
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void prepareCreatesACloneWithThePlainHttpsRemote() throws IOException {
        Path folder = dir.resolve("data/elastic/docs-builder/codex-link-index");
        new LinkIndexCheckout(folder, gitEnvironment(), log).prepare();
        assertTrue(remote(folder).contains("url = " + LinkIndexCheckout.HTTPS_URL));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void prepareMovesAnSshOrTokenCloneToThePlainHttpsRemote() throws Exception {
        for (String stored : new String[] {"git@github.com:elastic/codex-link-index.git",
                "https://oauth2:ghs_expired0123456789@github.com/elastic/codex-link-index.git"}) {
            Path folder = Files.createDirectories(dir.resolve("clone-" + stored.length()));
            git(folder, "init", "-q");
            git(folder, "remote", "add", "origin", stored);
            new LinkIndexCheckout(folder, gitEnvironment(), log).prepare();
            String config = remote(folder);
            assertTrue(config.contains("url = " + LinkIndexCheckout.HTTPS_URL), config);
            assertFalse(config.contains(stored), config);
        }
    }

    @Test
    void storedCredentialsAreRemoved() throws IOException {
        Path folder = dir.resolve("clone");
        Files.createDirectories(folder.resolve(".git"));
        Files.writeString(folder.resolve(".git/config"), "[core]\n\tbare = false\n[remote \"origin\"]\n"
                + "\turl = https://oauth2:ghs_secret0123456789@github.com/elastic/codex-link-index.git\n"
                + "\tfetch = +refs/heads/*:refs/remotes/origin/*\n[remote \"mirror\"]\n"
                + "\turl=http://user:pw@mirror.example/x.git\n");
        new LinkIndexCheckout(folder, gitEnvironment(), log).removeStoredCredentials();
        String config = remote(folder);
        assertFalse(config.contains("ghs_secret0123456789"));
        assertFalse(config.contains("user:pw"));
        assertTrue(config.contains("\turl = https://github.com/elastic/codex-link-index.git\n"), config);
        assertTrue(config.contains("\turl=http://mirror.example/x.git\n"), config);
        assertTrue(log.lines.get(0).startsWith("INFO Removed the credentials docs-builder stored in "));
    }

    @Test
    void aCleanConfigIsLeftAsItIs() throws IOException {
        Path folder = dir.resolve("clean");
        Files.createDirectories(folder.resolve(".git"));
        Files.writeString(folder.resolve(".git/config"), "[remote \"origin\"]\n\turl = " + LinkIndexCheckout.HTTPS_URL + "\n");
        new LinkIndexCheckout(folder, gitEnvironment(), log).removeStoredCredentials();
        new LinkIndexCheckout(dir.resolve("missing"), gitEnvironment(), log).removeStoredCredentials();
        assertTrue(log.lines.isEmpty());
    }

    @Test
    void gitCredentialsFollowTheConfigurationAlreadyThere() {
        Map<String, String> env = new HashMap<>(Map.of("GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "core.askPass",
                "GIT_CONFIG_VALUE_0", ""));
        LinkIndexCheckout.addGitCredentials(env, "ghs_token");
        assertEquals("2", env.get("GIT_CONFIG_COUNT"));
        assertEquals("http.https://github.com/.extraheader", env.get("GIT_CONFIG_KEY_1"));
        assertEquals("AUTHORIZATION: basic " + Base64.getEncoder().encodeToString(
                "x-access-token:ghs_token".getBytes(StandardCharsets.UTF_8)), env.get("GIT_CONFIG_VALUE_1"));
        Map<String, String> fresh = new HashMap<>();
        LinkIndexCheckout.addGitCredentials(fresh, "t");
        assertEquals("1", fresh.get("GIT_CONFIG_COUNT"));
        assertEquals("http.https://github.com/.extraheader", fresh.get("GIT_CONFIG_KEY_0"));
    }
}
