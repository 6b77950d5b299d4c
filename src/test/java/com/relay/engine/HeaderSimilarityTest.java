package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/CONTRACT.md#vendor-drift: which names count as the same column renamed, and which never do. */
class HeaderSimilarityTest {

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Qty                | Available Quantity
            qty                | quantity
            QTY                | Qty
            Vendor SKU         | vendor_sku
            VENDOR-SKU         | VendorSku
            Quantity           | Quantiy
            Cost               | Costs
            Description        | Desc
            QtyAvailable       | Available Qty
            Mfr Part No        | Manufacturer Part Number
            Item SKU           | SKU
            stock.qty          | stock.quantity
            """)
    void similarNames(String a, String b) {
        assertThat(HeaderSimilarity.similar(a, b)).as(a + " ~ " + b).isTrue();
        assertThat(HeaderSimilarity.score(a, b)).isEqualTo(HeaderSimilarity.score(b, a));
    }

    @ParameterizedTest(name = "{0} !~ {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Qty                | Price
            SKU                | Title
            Cost               | MSRP
            Quantity           | Brand
            Available Quantity | Lead Time Days
            Color              | Colour Code Family Group
            sku                | ''
            A1                 | A2
            Warehouse 1        | Warehouse 2
            Price2             | Price3
            """)
    void unrelatedNames(String a, String b) {
        assertThat(HeaderSimilarity.similar(a, b == null ? "" : b)).as(a + " !~ " + b).isFalse();
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Vendor SKU  | vendor_sku
            ' Qty '     | QTY
            Unit-Cost   | unit cost
            """)
    void caseSpaceAndPunctuationDoNotCount(String a, String b) {
        assertThat(HeaderSimilarity.score(a, b)).isEqualTo(1.0);
    }

    @org.junit.jupiter.api.Test
    void wordsSplitCamelCaseDigitsAndAbbreviations() {
        assertThat(HeaderSimilarity.words("QtyAvailable2")).containsExactly("quantity", "available", "2");
        assertThat(HeaderSimilarity.words("Mfr. Part No.")).containsExactly("manufacturer", "part", "number");
        assertThat(HeaderSimilarity.words("Prices")).containsExactly("price");
    }

    @org.junit.jupiter.api.Test
    void hugeNamesCostBoundedWork() {
        String a = "q".repeat(1 << 20);
        String b = "q".repeat(1 << 20 - 1) + "x";
        // cut to MAX_CHARS before any comparison: equal prefixes
        assertThat(HeaderSimilarity.score(a, b)).isEqualTo(1.0);
    }
}
