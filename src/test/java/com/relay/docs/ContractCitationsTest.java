package com.relay.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: every citation of the behaviour contract points into
 * {@code docs/}, and every {@code docs/<file>.md#<anchor>} it names is a heading of that file.
 *
 * <ul>
 *   <li>No file cites the former out-of-tree specification: no section-number citation
 *       ("RI &sect;4.5", "N &sect;4.6", "notifications.md &sect;4.6", a bare "&sect;4.6"), no
 *       file name of that specification,
 *       no path to a folder outside the repository. Other standards' sections ("OIDC Discovery §4.3",
 *       "YAML 1.2.2 §10.3.2") are not ours and stay.</li>
 *   <li>Every {@code docs/<file>.md#<anchor>} in code, YAML and docs, and every relative Markdown link
 *       {@code (X.md#anchor)} in the docs and the README, names a heading (or an HTML anchor) of
 *       that file, by GitHub's rules: lower case, punctuation dropped, spaces to {@code -},
 *       {@code -1}, {@code -2} … for repeated headings.</li>
 *   <li>The mapping table of {@code docs/tools/cite-contract.py} only names headings of
 *       {@code docs/CONTRACT.md}, so re-running it after a merge produces valid citations.</li>
 * </ul>
 */
class ContractCitationsTest {

    private static final List<Path> ROOTS = List.of(Path.of("src/main"), Path.of("src/test"), Path.of("routes"),
            Path.of("docs"), Path.of("README.md"), Path.of("bench"), Path.of("examples"), Path.of("pom.xml"),
            Path.of(".ci"));
    /** The rewrite script documents the old forms it rewrites; it is the one place they may appear. */
    private static final Path SCRIPT = Path.of("docs/tools/cite-contract.py");
    private static final Set<String> TEXT = Set.of(".java", ".yaml", ".yml", ".md", ".xml", ".json", ".py", ".sh",
            ".properties", ".txt", ".sql", ".ts", ".js", ".toml", ".cfg");

    private static final String SECTION = "\u00a7";
    /** The old citation forms. Spelled with {@link #SECTION} so this file does not match itself. */
    private static final Pattern OLD_CITATION = Pattern.compile(
            "\\b(?:RI|N)\\s+" + SECTION + "|notifications\\.md\\s+" + SECTION + "|relay-inventory\\.md"
                    + "|\\.\\./shared/|shared" + "/spec/");
    /** A section sign before a number, unless another standard's name precedes it. */
    private static final Pattern BARE_SECTION = Pattern.compile(SECTION + "{1,2}\\s?\\d");
    private static final Pattern FOREIGN_STANDARD = Pattern.compile("(OIDC Discovery|YAML 1\\.2(\\.2)?|RFC ?\\d+)\\s*$");

    private static final Pattern DOCS_ANCHOR = Pattern.compile("docs/([A-Za-z0-9_./-]+\\.md)#([\\p{L}\\p{N}_-]+)");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\]\\(([^)#\\s]*\\.md)?#([^)\\s]+)\\)");
    private static final Pattern MAP_ROW = Pattern.compile("\"(?:RI|N) [0-9.]+\": \"([a-z0-9-]+)\"");

    @Test
    void nothingCitesTheOutOfTreeSpecification() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : scannedFiles()) {
            if (file.normalize().equals(SCRIPT)) {
                continue;
            }
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (OLD_CITATION.matcher(line).find()) {
                    found.add(file + ":" + (i + 1) + ": " + line.strip());
                    continue;
                }
                Matcher bare = BARE_SECTION.matcher(line);
                while (bare.find()) {
                    if (!FOREIGN_STANDARD.matcher(line.substring(0, bare.start())).find()) {
                        found.add(file + ":" + (i + 1) + ": " + line.strip());
                        break;
                    }
                }
            }
        }
        assertThat(found)
                .as("cite the contract as docs/CONTRACT.md#<anchor> (python3 docs/tools/cite-contract.py --rewrite)")
                .isEmpty();
    }

    @Test
    void everyCitedDocAnchorIsAHeading() throws IOException {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : scannedFiles()) {
            List<String> lines = lines(file);
            boolean markdown = file.toString().endsWith(".md");
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher m = DOCS_ANCHOR.matcher(line);
                while (m.find()) {
                    checked++;
                    Path target = Path.of("docs").resolve(m.group(1)).normalize();
                    check(anchors, target, m.group(2), file, i, broken);
                }
                if (markdown) {
                    Matcher link = MARKDOWN_LINK.matcher(line);
                    while (link.find()) {
                        Path target = link.group(1) == null ? file
                                : parentOf(file).resolve(link.group(1)).normalize();
                        if (link.group(1) != null && link.group(1).contains("://")) {
                            continue;
                        }
                        checked++;
                        check(anchors, target, link.group(2), file, i, broken);
                    }
                }
            }
        }
        assertThat(checked).as("citations found").isGreaterThan(100);
        assertThat(broken).as("anchors that are no heading of their file").isEmpty();
    }

    @Test
    void theRewriteTableNamesOnlyContractHeadings() throws IOException {
        Set<String> contract = anchorsOf(Path.of("docs/CONTRACT.md"));
        List<String> rows = new ArrayList<>();
        Matcher m = MAP_ROW.matcher(Files.readString(SCRIPT, StandardCharsets.UTF_8));
        while (m.find()) {
            rows.add(m.group(1));
        }
        assertThat(rows).as("mapping rows of " + SCRIPT).hasSizeGreaterThan(100);
        assertThat(rows).allSatisfy(anchor -> assertThat(contract).contains(anchor));
    }

    @Test
    void anchorsFollowGitHubRules() {
        assertThat(slug("Receiving a job")).isEqualTo("receiving-a-job");
        assertThat(slug("Merge: best offer")).isEqualTo("merge-best-offer");
        assertThat(slug("`relay provision` (a separate deploy-time role)")).isEqualTo("relay-provision-a-separate-deploy-time-role");
        assertThat(slug("Tenants table (`TENANTS_TABLE`)")).isEqualTo("tenants-table-tenants_table");
        assertThat(slug("Limits and quotas (issue 17)")).isEqualTo("limits-and-quotas-issue-17");
    }

    private static void check(Map<Path, Set<String>> anchors, Path target, String anchor, Path file, int line,
            List<String> broken) {
        if (!Files.isRegularFile(target)) {
            broken.add(file + ":" + (line + 1) + ": " + target + " does not exist");
            return;
        }
        Set<String> known = anchors.computeIfAbsent(target, ContractCitationsTest::anchorsOfUnchecked);
        if (!known.contains(anchor)) {
            broken.add(file + ":" + (line + 1) + ": " + target + "#" + anchor);
        }
    }

    private static Path parentOf(Path file) {
        Path parent = file.getParent();
        return parent == null ? Path.of("") : parent;
    }

    private static Set<String> anchorsOfUnchecked(Path doc) {
        try {
            return anchorsOf(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The anchors GitHub gives a Markdown file: one per heading outside code fences, plus HTML anchors. */
    static Set<String> anchorsOf(Path doc) throws IOException {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        Pattern heading = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
        Pattern html = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
        for (String line : lines(doc)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher h = heading.matcher(line);
            if (h.matches()) {
                String s = slug(h.group(1));
                Integer n = seen.merge(s, 0, (a, b) -> a + 1);
                anchors.add(n == 0 ? s : s + "-" + n);
            }
            Matcher a = html.matcher(line);
            while (a.find()) {
                anchors.add(a.group(1));
            }
        }
        return anchors;
    }

    /** GitHub's heading anchor: link text only, lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M}_ -]", "").replace(' ', '-');
    }

    private static List<Path> scannedFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : ROOTS) {
            if (Files.isRegularFile(root)) {
                files.add(root);
            } else if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile)
                            .filter(p -> TEXT.stream().anyMatch(ext -> p.toString().endsWith(ext)))
                            .filter(p -> !p.toString().contains("/target/"))
                            .forEach(files::add);
                }
            }
        }
        return files;
    }

    private static List<String> lines(Path file) throws IOException {
        return List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1));
    }
}
