package io.github.codexdocs.codex.docsbuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.CodexException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(OS.WINDOWS)
class ExecutableLocatorTest {
    @TempDir
    Path dir;

    private Path executable(Path folder, String name) throws IOException {
        Files.createDirectories(folder);
        Path file = Files.writeString(folder.resolve(name), "#!/bin/sh\n");
        assertTrue(file.toFile().setExecutable(true));
        return file;
    }

    @Test
    void bareNameIsFoundOnThePathInOrder() throws IOException {
        Path first = dir.resolve("a");
        Files.createDirectories(first);
        Files.writeString(first.resolve("docs-builder"), "not executable");
        Path found = executable(dir.resolve("b"), "docs-builder");
        executable(dir.resolve("c"), "docs-builder");
        Map<String, String> env = Map.of("PATH", first + ":" + dir.resolve("b") + "::" + dir.resolve("c"));
        assertEquals(found, new ExecutableLocator(env, false).locate("docs-builder", dir));
    }

    @Test
    void bareNameMissingListsThePath() {
        CodexException e = assertThrows(CodexException.class,
                () -> new ExecutableLocator(Map.of("PATH", "/nowhere:/nothing"), false).locate("docs-builder", dir));
        assertEquals("docs-builder executable 'docs-builder' was not found on PATH (/nowhere:/nothing); install"
                + " docs-builder or set <executable> (codex.executable) to its absolute path.", e.getMessage());
        e = assertThrows(CodexException.class, () -> new ExecutableLocator(Map.of(), false).locate("docs-builder", dir));
        assertTrue(e.getMessage().contains("(PATH is empty)"));
    }

    @Test
    void pathsAreResolvedAgainstTheBaseDirectory() throws IOException {
        Path file = executable(dir.resolve("tools"), "db");
        assertEquals(file, new ExecutableLocator(Map.of(), false).locate("tools/db", dir));
        assertEquals(file, new ExecutableLocator(Map.of(), false).locate(file.toString(), Path.of("/")));
    }

    @Test
    void missingOrNotExecutableFilesSaySo() throws IOException {
        CodexException missing = assertThrows(CodexException.class,
                () -> new ExecutableLocator(Map.of(), false).locate("bin/none", dir));
        assertEquals("docs-builder executable " + dir.resolve("bin/none") + " does not exist; install docs-builder or"
                + " set <executable> (codex.executable) to its absolute path.", missing.getMessage());
        Files.writeString(dir.resolve("plain"), "x");
        CodexException plain = assertThrows(CodexException.class,
                () -> new ExecutableLocator(Map.of(), false).locate("./plain", dir));
        assertTrue(plain.getMessage().endsWith("is not executable; make it executable (chmod +x) or set <executable>"
                + " (codex.executable) to another file."), plain.getMessage());
    }

    @Test
    void windowsUsesPathExtAndCaseInsensitiveNames() throws IOException {
        Path found = executable(dir.resolve("w"), "docs-builder.cmd");
        Map<String, String> env = Map.of("Path", dir.resolve("w").toString(), "PATHEXT", ".EXE;.CMD");
        assertEquals(found, new ExecutableLocator(env, true).locate("docs-builder", dir));
    }

    @Test
    void osNameChoosesTheLookupRules() throws IOException {
        Path found = executable(dir.resolve("o"), "docs-builder.exe");
        Map<String, String> env = Map.of("Path", dir.resolve("o").toString());
        assertEquals(found, ExecutableLocator.forOs(env, "Windows Server 2022").locate("docs-builder", dir));
        assertTrue(ExecutableLocator.forOs(env, "Linux").onPath("docs-builder").isEmpty(),
                "outside Windows neither Path nor .exe applies");
    }

    @Test
    void aFileOnPathThatIsNotExecutableIsNamed() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("plain"));
        Path file = Files.writeString(folder.resolve("docs-builder"), "not executable");
        CodexException e = assertThrows(CodexException.class,
                () -> new ExecutableLocator(Map.of("PATH", folder.toString()), false).locate("docs-builder", dir));
        assertEquals("docs-builder executable " + file + " on PATH is not executable; make it executable (chmod +x) or"
                + " set <executable> (codex.executable) to another file.", e.getMessage());
    }

    @Test
    void quotedWindowsEntriesAreUnquotedAndInvalidEntriesSkipped() throws IOException {
        Path found = executable(dir.resolve("with space"), "docs-builder.exe");
        Map<String, String> env = Map.of("PATH", "bad\0entry;\"" + dir.resolve("with space") + "\"");
        assertEquals(found, new ExecutableLocator(env, true).locate("docs-builder", dir));
        Map<String, String> unix = Map.of("PATH", "bad\0entry:" + found.getParent());
        assertEquals(found, new ExecutableLocator(unix, false).locate("docs-builder.exe", dir));
    }
}
