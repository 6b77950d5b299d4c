package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worksheet's XML read the way excel-streaming-reader read it (docs/ENGINE.md#vendor-file-formats). */
class XlsxSheetRowsTest {
    private static final String NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /** Each row as "rowNum: column type raw | ...". */
    private static List<String> read(String sheetData) throws Exception {
        String xml = "<worksheet xmlns=\"" + NS + "\" xmlns:x=\"urn:other\">" + sheetData + "</worksheet>";
        List<String> rows = new ArrayList<>();
        try (XlsxSheetRows r = new XlsxSheetRows(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))) {
            while (r.next()) {
                StringBuilder line = new StringBuilder().append(r.rowNum()).append(':');
                for (int i = 0; i < r.cellCount(); i++) {
                    line.append(' ').append(r.column(i)).append(' ').append(r.type(i)).append(' ').append(r.raw(i)).append(" |");
                }
                rows.add(line.toString());
            }
        }
        return rows;
    }

    @Test
    void cellsKeepTheirColumnTypeAndRawTextInColumnOrder() throws Exception {
        assertThat(read("<sheetData>"
                + "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\"><f>1+2</f><v>3</v></c><c r=\"AB1\" t=\"b\"><v>1</v></c></row>"
                + "<row r=\"4\"><c r=\"B4\"><v>2</v></c><c r=\"A4\" t=\"str\"><v>x</v></c><c r=\"B4\"><v>5</v></c><c r=\"D4\"/></row>"
                + "</sheetData>"))
                .containsExactly("0: 0 s 0 | 2 n 3 | 27 b 1 |",
                        // out of order: sorted; the later of two cells in B4 wins; a cell without <v> is blank (null)
                        "3: 0 str x | 1 n 5 | 3 n null |");
    }

    @Test
    void inlineStringsJoinTheirRunsAndOtherNamespacesAreIgnored() throws Exception {
        assertThat(read("<sheetData><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><r><t>ab</t></r><r><t xml:space=\"preserve\"> c</t></r></is></c>"
                + "<x:c r=\"B2\"><x:v>9</x:v></x:c></row></sheetData>"))
                .containsExactly("1: 0 inlineStr ab c |");
    }

    @Test
    void rowsAndCellsWithoutReferencesCountOnFromTheDimensionsFirstColumn() throws Exception {
        assertThat(read("<dimension ref=\"C1:D3\"/><sheetData><row><c><v>1</v></c><c><v>2</v></c></row>"
                + "<row r=\"3\"><c><v>3</v></c></row><row><c r=\"A4\"><v>4</v></c><c><v>5</v></c></row></sheetData>"))
                .containsExactly("0: 2 n 1 | 3 n 2 |", "2: 2 n 3 |", "3: 0 n 4 | 1 n 5 |");
    }

    @Test
    void cellReferencesReadAsPoiReadsThem() {
        assertThat(XlsxSheetRows.column("A1")).isZero();
        assertThat(XlsxSheetRows.column("Z9")).isEqualTo(25);
        assertThat(XlsxSheetRows.column("AA10")).isEqualTo(26);
        assertThat(XlsxSheetRows.column("XFD1048576")).isEqualTo(16_383);
        assertThat(XlsxSheetRows.column("b2")).isEqualTo(1); // lower case: POI's reading
    }
}
