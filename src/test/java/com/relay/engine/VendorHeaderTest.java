package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#vendor-drift: the fingerprint is stable, reproducible and bounded. */
class VendorHeaderTest {

    @Test
    void theFingerprintIsTheSha256OfTheTrimmedNamesAsACompactJsonArray() throws Exception {
        VendorHeader h = VendorHeader.of(List.of(" SKU ", "Qty"));

        byte[] json = "[\"SKU\",\"Qty\"]".getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
        assertThat(h.fingerprint()).isEqualTo(expected);
        assertThat(h.columns()).containsExactly("SKU", "Qty");
        assertThat(h.columnCount()).isEqualTo(2);
    }

    @Test
    void theSameHeaderGivesTheSameFingerprintAndAnyChangeAnother() {
        String base = VendorHeader.of(List.of("SKU", "Qty", "Cost")).fingerprint();

        assertThat(VendorHeader.of(List.of("SKU", "Qty", "Cost")).fingerprint()).isEqualTo(base);
        assertThat(VendorHeader.of(List.of("SKU", "Qty  ", "\u00a0Cost")).fingerprint()).isEqualTo(base);
        assertThat(VendorHeader.of(List.of("SKU", "Cost", "Qty")).fingerprint()).isNotEqualTo(base);
        assertThat(VendorHeader.of(List.of("SKU", "qty", "Cost")).fingerprint()).isNotEqualTo(base);
        assertThat(VendorHeader.of(List.of("SKU", "Qty", "Cost", "")).fingerprint()).isNotEqualTo(base);
        // no separator trick: "a,b" as one name is not "a" and "b"
        assertThat(VendorHeader.of(List.of("a\",\"b")).fingerprint()).isNotEqualTo(VendorHeader.of(List.of("a", "b")).fingerprint());
    }

    @Test
    void whatIsKeptIsBoundedAndCounted() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 16_384; i++) names.add("c" + i + "x".repeat(1000));

        VendorHeader h = VendorHeader.of(names);

        assertThat(h.columns()).hasSize(VendorHeader.MAX_LISTED);
        assertThat(h.columns()).allSatisfy(c -> assertThat(c).hasSize(VendorHeader.MAX_NAME_CHARS));
        assertThat(h.columnCount()).isEqualTo(16_384);
        assertThat(h.toJson()).containsOnlyKeys("columns", "column_count", "fingerprint");
    }
}
