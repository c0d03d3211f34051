package io.github.codexdocs.codex.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Keeps the documentation in {@code docs/} from drifting away from the plugin: every goal, every parameter and every
 * {@code codex.*} property in the generated plugin descriptor (written in process-classes, before the tests) must
 * appear in the configuration reference, and the docset's table of contents must list exactly the pages there are.
 */
class ConfigurationReferenceTest {
    private static final Path BASE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path DESCRIPTOR = BASE.resolve("target/classes/META-INF/maven/plugin.xml");
    private static final Path DOCS = BASE.resolve("docs");
    private static final Path REFERENCE = DOCS.resolve("configuration.md");
    private static final Pattern TOC_FILE = Pattern.compile("^\\s*-\\s*file:\\s*['\"]?([^'\"\\s#]+)['\"]?\\s*(#.*)?$");
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{(codex\\.[A-Za-z0-9_.]+)}");

    /** A parameter of a goal as the descriptor has it. */
    private record Parameter(String goal, String name, String property, String defaultValue) {
    }

    private static List<Parameter> parameters;
    private static List<String> goals;
    private static String reference;

    @BeforeAll
    static void readDescriptorAndReference() throws Exception {
        assertTrue(Files.isRegularFile(DESCRIPTOR), DESCRIPTOR + " is missing; it is generated in process-classes");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document descriptor = factory.newDocumentBuilder().parse(DESCRIPTOR.toFile());
        parameters = new ArrayList<>();
        goals = new ArrayList<>();
        NodeList mojos = descriptor.getElementsByTagName("mojo");
        for (int i = 0; i < mojos.getLength(); i++) {
            Element mojo = (Element) mojos.item(i);
            String goal = child(mojo, "goal").getTextContent().trim();
            goals.add(goal);
            Element configuration = child(mojo, "configuration");
            NodeList declared = child(mojo, "parameters").getElementsByTagName("parameter");
            for (int j = 0; j < declared.getLength(); j++) {
                Element parameter = (Element) declared.item(j);
                if (!"true".equals(child(parameter, "editable").getTextContent().trim())) {
                    continue; // read-only, such as session: not configurable
                }
                String name = child(parameter, "name").getTextContent().trim();
                Element configured = configuration == null ? null : child(configuration, name);
                String property = null;
                String defaultValue = null;
                if (configured != null) {
                    Matcher matcher = PROPERTY.matcher(configured.getTextContent());
                    property = matcher.find() ? matcher.group(1) : null;
                    defaultValue = configured.hasAttribute("default-value")
                            ? configured.getAttribute("default-value") : null;
                }
                parameters.add(new Parameter(goal, name, property, defaultValue));
            }
        }
        reference = Files.readString(REFERENCE, StandardCharsets.UTF_8);
    }

    private static Element child(Element parent, String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }

    @Test
    void theDescriptorHasTheGoalsAndParameters() {
        assertTrue(goals.containsAll(List.of("build", "doctor", "help")), goals.toString());
        assertTrue(parameters.size() > 20, parameters.toString());
    }

    @Test
    void everyGoalIsDocumented() {
        List<String> missing = goals.stream().filter(goal -> !reference.contains("`codex:" + goal + "`")).toList();
        assertEquals(List.of(), missing, "goals missing from " + REFERENCE);
    }

    @Test
    void everyParameterIsDocumented() {
        List<String> missing = parameters.stream().map(Parameter::name).distinct()
                .filter(name -> !reference.contains("`" + name + "`")).toList();
        assertEquals(List.of(), missing, "parameters missing from " + REFERENCE);
    }

    @Test
    void everyCodexPropertyIsDocumented() {
        List<String> missing = parameters.stream().map(Parameter::property)
                .filter(p -> p != null && p.startsWith("codex.")).distinct()
                .filter(property -> !reference.contains("`" + property + "`")).toList();
        assertEquals(List.of(), missing, "properties missing from " + REFERENCE);
    }

    /** A default shown in the reference must be the descriptor's, in the parameter's own table row. */
    @Test
    void everyDefaultIsTheDescriptorsDefault() {
        List<String> wrong = new ArrayList<>();
        for (Parameter parameter : parameters) {
            if (parameter.defaultValue() == null || parameter.property() == null) {
                continue;
            }
            String row = reference.lines()
                    .filter(line -> line.startsWith("| `" + parameter.name() + "`"))
                    .findFirst().orElse("");
            if (!row.contains("`" + parameter.defaultValue() + "`")) {
                wrong.add(parameter.goal() + ":" + parameter.name() + " (default " + parameter.defaultValue() + ")");
            }
        }
        assertEquals(List.of(), wrong, "rows without the descriptor's default in " + REFERENCE);
    }

    @Test
    void theTableOfContentsListsExactlyThePages() throws IOException {
        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(DOCS.resolve("docset.yml"), StandardCharsets.UTF_8)) {
            Matcher matcher = TOC_FILE.matcher(line);
            if (matcher.matches()) {
                assertTrue(listed.add(matcher.group(1)), matcher.group(1) + " is listed twice");
            }
        }
        assertFalse(listed.isEmpty(), "docset.yml lists no file");
        List<String> missing = listed.stream().filter(file -> !Files.isRegularFile(DOCS.resolve(file))).toList();
        assertEquals(List.of(), missing, "docset.yml lists pages that do not exist");

        Set<String> pages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(DOCS)) {
            files.filter(Files::isRegularFile)
                    .map(file -> DOCS.relativize(file).toString().replace('\\', '/'))
                    .filter(file -> file.endsWith(".md") && !file.startsWith("target/"))
                    .forEach(pages::add);
        }
        pages.removeAll(listed);
        assertEquals(Set.of(), pages, "pages in docs/ that docset.yml does not list");
    }

    @Test
    void linksBetweenPagesPointAtPagesThatExist() throws IOException {
        Pattern link = Pattern.compile("\\]\\(([^)#\\s:]+\\.md)(#[^)]*)?\\)");
        List<String> broken = new ArrayList<>();
        try (Stream<Path> files = Files.list(DOCS)) {
            for (Path page : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".md"))::iterator) {
                Matcher matcher = link.matcher(Files.readString(page, StandardCharsets.UTF_8));
                while (matcher.find()) {
                    if (!Files.isRegularFile(page.resolveSibling(matcher.group(1)))) {
                        broken.add(page.getFileName() + " -> " + matcher.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), broken, "links to pages that do not exist");
    }
}
