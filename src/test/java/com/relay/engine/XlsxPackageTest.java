package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.usermodel.XSSFRelation;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the usual workbook package without POI's package code (docs/ENGINE.md#vendor-file-formats):
 * it finds what POI finds, and it answers null (POI then opens the package, as before) for every
 * package of another shape, so such packages read, or fail, as they did.
 */
class XlsxPackageTest {
    private static final String STOCK = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>SKU</t></is></c></row>"
            + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>A-1</t></is></c></row>";

    @TempDir Path work;

    /** What POI finds in the package: the sheets' names and entries, and the shared-strings part's entry (null: none). */
    record Found(List<String> names, List<String> entries, String sharedStrings) {}

    private Found poi(Path file) throws Exception {
        try (OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ)) {
            XSSFReader reader = new XSSFReader(pkg);
            List<String> names = new ArrayList<>();
            List<String> entries = new ArrayList<>();
            XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            while (sheets.hasNext()) {
                sheets.next().close();
                names.add(sheets.getSheetName());
                entries.add(sheets.getSheetPart().getPartName().getName().substring(1));
            }
            List<PackagePart> strings = pkg.getPartsByContentType(XSSFRelation.SHARED_STRINGS.getContentType());
            return new Found(names, entries, strings.isEmpty() ? null : strings.get(0).getPartName().getName().substring(1));
        }
    }

    /** The package read as XlsxRecords reads it; null also where POI's zip does not open it (XlsxRecords then leaves it to POI). */
    private XlsxPackage read(Path file) throws IOException {
        ZipSecureFile zip;
        try {
            zip = new ZipSecureFile(file.toFile());
        } catch (IOException notOpened) {
            return null;
        }
        try (zip) {
            return XlsxPackage.read(zip);
        }
    }

    private Found found(XlsxPackage usual) {
        return new Found(usual.sheetNames, usual.sheetEntries.stream().map(e -> e.getName()).toList(),
                usual.sharedStrings == null ? null : usual.sharedStrings.getName());
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(work.resolve(name), bytes);
    }

    @Test
    void workbooksAsWritersWriteThemAreReadAsPoiReadsThem() throws Exception {
        List<Path> files = new ArrayList<>();
        for (boolean sharedStrings : new boolean[] {false, true}) {
            Path written = work.resolve("written-" + sharedStrings + ".xlsx");
            FormatWriters.xlsx(new FormatWriters.Layout(List.of("SKU", "QTY"), java.util.Set.of("QTY"), java.util.Set.of(), Map.of(),
                    Map.of(), Map.of()), FormatWriters.rows("A|1", "B|2"), written, 1, sharedStrings);
            files.add(written);
        }
        try (XSSFWorkbook wb = new XSSFWorkbook()) { // XSSF's own writer: shared strings, styles, a theme, three sheets
            wb.createSheet("First").createRow(0).createCell(0).setCellValue("x");
            wb.createSheet("Zweite Tabelle").createRow(0).createCell(0).setCellValue("y");
            wb.createSheet("3").createRow(0).createCell(0).setCellValue(3);
            Path xssf = work.resolve("xssf.xlsx");
            try (var out = Files.newOutputStream(xssf)) {
                wb.write(out);
            }
            files.add(xssf);
        }
        files.add(file("minimal.xlsx", XlsxWorkbookOpenTest.workbook(STOCK, null)));
        files.add(file("minimal-sst.xlsx", XlsxWorkbookOpenTest.workbook(STOCK, "<si><t>x</t></si>")));
        // an absolute target, and relationships listed after the sheets they name
        files.add(file("absolute.xlsx", rewrite(XlsxWorkbookOpenTest.workbook(STOCK, null), "xl/_rels/workbook.xml.rels",
                rels -> rels.replace("Target=\"worksheets/sheet1.xml\"", "Target=\"/xl/worksheets/sheet1.xml\""))));
        for (Path file : files) {
            XlsxPackage usual = read(file);
            assertThat(usual).as(file.getFileName().toString()).isNotNull();
            assertThat(found(usual)).as(file.getFileName().toString()).isEqualTo(poi(file));
        }
        assertThat(read(files.get(0)).sheetNames).containsExactly("Notes", "Stock");
        assertThat(read(files.get(2)).sheetNames).containsExactly("First", "Zweite Tabelle", "3");
    }

    @Test
    void theDateSystemIsTheFirstWorkbookPrsDate1904() throws Exception {
        for (String[] c : new String[][] {{"<workbookPr date1904=\"1\"/>", "true"}, {"<workbookPr date1904=\"true\"/>", "true"},
                {"<workbookPr date1904=\"false\"/>", "false"}, {"<workbookPr/>", "false"}, {"", "false"},
                {"<workbookPr date1904=\"0\"/><workbookPr date1904=\"1\"/>", "false"}}) {
            Path file = file("dates.xlsx", rewrite(XlsxWorkbookOpenTest.workbook(STOCK, null), "xl/workbook.xml",
                    xml -> xml.replace("<sheets>", c[0] + "<sheets>")));
            assertThat(read(file).date1904).as(c[0]).isEqualTo(Boolean.parseBoolean(c[1]));
        }
    }

    @Test
    void packagesOfAnotherShapeAreLeftToPoiAndReadAsBefore() throws Exception {
        byte[] usual = XlsxWorkbookOpenTest.workbook(STOCK, null);
        Map<String, byte[]> others = new LinkedHashMap<>();
        others.put("an escaped target", rewrite(usual, "xl/_rels/workbook.xml.rels",
                rels -> rels.replace("worksheets/sheet1.xml", "worksheets/sheet%31.xml")));
        others.put("a target with a dot segment", rewrite(usual, "xl/_rels/workbook.xml.rels",
                rels -> rels.replace("worksheets/sheet1.xml", "../xl/worksheets/sheet1.xml")));
        others.put("a target in another case", rewrite(usual, "xl/_rels/workbook.xml.rels",
                rels -> rels.replace("worksheets/sheet1.xml", "Worksheets/Sheet1.xml")));
        others.put("a sheet element in another case", rewrite(usual, "xl/workbook.xml",
                xml -> xml.replace("<sheet name=\"Stock\" sheetId=\"1\" r:id=\"rId1\"/>",
                        "<sheet name=\"Stock\" sheetId=\"1\" r:id=\"rId1\"/><Sheet name=\"Odd\" r:id=\"rId1\"/>")));
        others.put("a sheet without r:id", rewrite(usual, "xl/workbook.xml",
                xml -> xml.replace("</sheets>", "<sheet name=\"Orphan\" sheetId=\"2\"/></sheets>")));
        others.put("a strict workbook", rewrite(usual, "xl/workbook.xml",
                xml -> xml.replace("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                        "http://purl.oclc.org/ooxml/spreadsheetml/main")));
        others.put("a part without a content type", addEntry(usual, "xl/media/image1.png", "png"));
        others.put("an entry name with a space", addEntry(usual, "xl/my notes.xml", "<a/>"));
        others.put("two names that differ only in case", addEntry(usual, "XL/Workbook.xml", "<a/>"));
        others.put("two shared-strings parts", rewrite(addEntry(XlsxWorkbookOpenTest.workbook(STOCK, "<si><t>x</t></si>"),
                "xl/sharedStrings2.xml", "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>"),
                "[Content_Types].xml", types -> types.replace("</Types>", "<Override PartName=\"/xl/sharedStrings2.xml\" "
                        + "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/></Types>")));
        others.put("a chartsheet", rewrite(usual, "xl/_rels/workbook.xml.rels",
                rels -> rels.replace("relationships/worksheet", "relationships/chartsheet")));
        others.put("no workbook relationships", removeEntry(usual, "xl/_rels/workbook.xml.rels"));
        others.put("no package relationships", removeEntry(usual, "_rels/.rels"));
        TenantConfig.Parser parser = new TenantConfig.Parser("xlsx", ',', "utf-8", Map.of("sku", "SKU"), null, null, null, 1,
                null, null, null);
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> other : others.entrySet()) {
            Path file = file("other.xlsx", other.getValue());
            assertThat(read(file)).as(other.getKey()).isNull();
            // and POI reads it as it did: the rows where POI finds the sheet, its error where it does not
            String outcome;
            try (FeedRecords records = FeedRecords.open(parser, new ByteArrayInputStream(other.getValue()), "acme", work)) {
                outcome = records.readHeader() + " " + (records.nextRecord() ? records.rows().cell(0) : "no rows");
            } catch (EngineFailure failure) {
                outcome = failure.getMessage();
            }
            outcomes.put(other.getKey(), outcome);
        }
        String prefix = "xlsx parse error for vendor acme: ";
        Map<String, String> expected = new LinkedHashMap<>();
        for (String key : others.keySet()) expected.put(key, "[SKU] A-1");
        expected.put("an escaped target", prefix + "A segment shall not contain percent-encoded unreserved characters. [M1.8]");
        expected.put("a part without a content type", prefix + "The part /xl/media/image1.png does not have any content type ! "
                + "Rule: Package require content types when retrieving a part from a package. [M.1.14]");
        expected.put("two names that differ only in case", prefix + "Input file contains more than 1 entry with the name XL/Workbook.xml");
        expected.put("no workbook relationships", prefix + "Sheet at index 0 is missing");
        expected.put("no package relationships", prefix + "OOXML file structure broken/invalid - no core document found!");
        assertThat(outcomes).isEqualTo(expected);
    }

    @Test
    void aPackagePartOverItsLimitIsLeftToPoi() throws Exception {
        // overrides for parts that are not there: harmless to POI, but more than the 4 MiB a part may have here
        StringBuilder overrides = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        while (overrides.length() <= XlsxPackage.MAX_PART) {
            overrides.append("<Override PartName=\"/x/").append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36))
                    .append(".xml\" ContentType=\"application/xml\"/>");
        }
        byte[] big = rewrite(XlsxWorkbookOpenTest.workbook(STOCK, null), "[Content_Types].xml",
                types -> types.replace("</Types>", overrides + "</Types>"));
        assertThat(read(file("big-types.xlsx", big))).isNull();
        byte[] small = rewrite(XlsxWorkbookOpenTest.workbook(STOCK, null), "[Content_Types].xml",
                types -> types.replace("</Types>", overrides.substring(0, 100_000).replaceAll("<Override[^>]*$", "") + "</Types>"));
        assertThat(read(file("small-types.xlsx", small))).isNotNull();
    }

    @Test
    void plainNamesAreAsciiSegmentsWithoutDotSegmentsOrEscapes() {
        assertThat(List.of("xl/workbook.xml", "_rels/.rels", "xl/worksheets/_rels/sheet1.xml.rels", "docProps/app.xml", "a-b_c/d.e.f"))
                .allMatch(XlsxPackage::plainName);
        assertThat(List.of("", "/xl/workbook.xml", "xl//workbook.xml", "xl/./workbook.xml", "xl/../workbook.xml", "xl/workbook.",
                "xl/work book.xml", "xl/sheet%31.xml", "xl\\workbook.xml", "xl/w\u00f6rkbook.xml", "xl/workbook.xml/", "C:/x.xml"))
                .noneMatch(XlsxPackage::plainName);
    }

    /** The package with one entry's text changed. */
    static byte[] rewrite(byte[] zip, String entry, UnaryOperator<String> change) throws IOException {
        Map<String, String> entries = entries(zip);
        entries.put(entry, change.apply(entries.get(entry)));
        return XlsxWorkbookOpenTest.zip(entries);
    }

    private static byte[] addEntry(byte[] zip, String entry, String text) throws IOException {
        Map<String, String> entries = entries(zip);
        entries.put(entry, text);
        return XlsxWorkbookOpenTest.zip(entries);
    }

    private static byte[] removeEntry(byte[] zip, String entry) throws IOException {
        Map<String, String> entries = entries(zip);
        entries.remove(entry);
        return XlsxWorkbookOpenTest.zip(entries);
    }

    private static Map<String, String> entries(byte[] zip) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return entries;
    }
}
