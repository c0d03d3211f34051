package io.github.codexdocs.codex.docsbuilder.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.CodexException;
import org.junit.jupiter.api.Test;

class PlatformTest {

    @Test
    void mapsTheJvmNamesToTheReleasedAssets() {
        assertEquals("docs-builder-linux-x64.zip", Platform.of("Linux", "amd64").assetName());
        assertEquals("linux-x64", Platform.of("Linux", "x86_64").name());
        assertEquals("mac-arm64", Platform.of("Mac OS X", "aarch64").name());
        assertEquals("mac-x64", Platform.of("Mac OS X", "x86_64").name());
        assertEquals("win-x64", Platform.of("Windows 11", "amd64").name());
    }

    @Test
    void theExecutableIsAnExeOnWindowsOnly() {
        assertEquals("docs-builder.exe", Platform.of("Windows Server 2022", "amd64").executableName());
        assertEquals("docs-builder", Platform.of("Linux", "amd64").executableName());
        assertEquals("docs-builder", Platform.of("Mac OS X", "aarch64").executableName());
    }

    @Test
    void anUnreleasedPlatformFailsNamingItAndTheWayOut() {
        CodexException e = assertThrows(CodexException.class, () -> Platform.of("Linux", "aarch64"));
        assertTrue(e.getMessage().startsWith("docs-builder publishes no release for linux-arm64 (os.name 'Linux',"
                + " os.arch 'aarch64')"), e.getMessage());
        assertTrue(e.getMessage().endsWith("set <executable> (codex.executable) to it."), e.getMessage());
        assertThrows(CodexException.class, () -> Platform.of("Windows 11", "aarch64"));
        CodexException freeBsd = assertThrows(CodexException.class, () -> Platform.of("FreeBSD", "amd64"));
        assertTrue(freeBsd.getMessage().contains("freebsd-x64"), freeBsd.getMessage());
    }
}
