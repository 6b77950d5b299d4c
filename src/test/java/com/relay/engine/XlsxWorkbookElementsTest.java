package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.pjfanning.xlsx.XmlUtils;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The workbook's sheets and date system found as excel-streaming-reader's XPath finds them (docs/ENGINE.md#vendor-file-formats). */
class XlsxWorkbookElementsTest {
    private static final String T = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private static final String S = "http://purl.oclc.org/ooxml/spreadsheetml/main";

    private static void sameAsXPath(String xml) throws Exception {
        Document doc = XmlUtils.readDocument(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        for (String[] path : new String[][] {{"workbookPr"}, {"sheets", "sheet"}}) {
            NodeList expected = XmlUtils.searchForNodeList(doc, "/ss:workbook/ss:" + String.join("/ss:", path));
            List<Node> want = new ArrayList<>();
            for (int i = 0; i < expected.getLength(); i++) want.add(expected.item(i));
            assertThat(XlsxRecords.workbookElements(doc, path)).as(xml + " " + String.join("/", path))
                    .containsExactlyElementsOf(want.stream().map(n -> (org.w3c.dom.Element) n).toList());
        }
    }

    @Test
    void sheetsAndTheDateSystemAreFoundWhereTheXPathFindsThem() throws Exception {
        sameAsXPath("<workbook xmlns=\"" + T + "\"><workbookPr date1904=\"1\"/><sheets><sheet name=\"A\"/><sheet name=\"B\"/></sheets></workbook>");
        sameAsXPath("<workbook xmlns=\"" + S + "\"><workbookPr date1904=\"true\"/><sheets><sheet name=\"A\"/></sheets></workbook>");
        sameAsXPath("<x:workbook xmlns:x=\"" + T + "\" xmlns=\"urn:o\"><sheets><sheet name=\"no\"/></sheets>"
                + "<x:sheets><x:sheet name=\"A\"/><sheet name=\"no\"/></x:sheets><x:sheets><x:sheet name=\"B\"/></x:sheets></x:workbook>");
        sameAsXPath("<workbook xmlns=\"urn:other\"><workbookPr/><sheets><sheet/></sheets></workbook>");
        sameAsXPath("<workbook><sheets><sheet/></sheets></workbook>");
        sameAsXPath("<other xmlns=\"" + T + "\"><sheets><sheet/></sheets></other>");
        // transitional elements win over strict ones, as the XPath tries them first
        sameAsXPath("<workbook xmlns=\"" + T + "\" xmlns:s=\"" + S + "\"><s:sheets><s:sheet name=\"S\"/></s:sheets><sheets><sheet name=\"T\"/></sheets></workbook>");
    }
}
