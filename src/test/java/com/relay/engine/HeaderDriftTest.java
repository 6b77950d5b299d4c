package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#vendor-drift: added, missing and renamed columns against the previous header. */
class HeaderDriftTest {

    @Test
    void theIssuesExampleIsOneRenameNotAMissingAndAnAddedColumn() {
        HeaderDrift d = HeaderDrift.between(List.of("SKU", "Qty", "Cost"), List.of("SKU", "Available Quantity", "Cost"));

        assertThat(d.added()).isEmpty();
        assertThat(d.missing()).isEmpty();
        assertThat(d.renamed()).extracting(HeaderDrift.Rename::from, HeaderDrift.Rename::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Qty", "Available Quantity"));
        assertThat(d.changed()).isTrue();
        assertThat(d.toJson()).isEqualTo(Map.of("changed", true, "added", List.of(), "missing", List.of(),
                "renamed", List.of(Map.of("from", "Qty", "to", "Available Quantity")), "order_changed", false));
    }

    @Test
    void unrelatedColumnsAreAddedAndMissingNotRenamed() {
        HeaderDrift d = HeaderDrift.between(List.of("SKU", "Qty", "Brand"), List.of("SKU", "Qty", "Warehouse", "MSRP"));

        assertThat(d.added()).containsExactly("Warehouse", "MSRP");
        assertThat(d.missing()).containsExactly("Brand");
        assertThat(d.renamed()).isEmpty();
    }

    @Test
    void eachNameIsInOneRenameAtMostTheBestScoreFirst() {
        HeaderDrift d = HeaderDrift.between(List.of("SKU", "Qty", "Cost"),
                List.of("SKU", "Quantity", "Quantity Reserved", "Unit Cost"));

        assertThat(d.renamed()).extracting(HeaderDrift.Rename::from, HeaderDrift.Rename::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Qty", "Quantity"),
                org.assertj.core.groups.Tuple.tuple("Cost", "Unit Cost"));
        assertThat(d.added()).containsExactly("Quantity Reserved");
        assertThat(d.missing()).isEmpty();
    }

    @Test
    void sameColumnsAreNoDriftAndTrimmingDoesNotCount() {
        HeaderDrift d = HeaderDrift.between(List.of("SKU", "Qty"), List.of(" SKU", "Qty\t"));

        assertThat(d.changed()).isFalse();
        assertThat(d.toJson().get("changed")).isEqualTo(false);
    }

    @Test
    void anotherOrderOfTheSameColumnsIsReported() {
        HeaderDrift d = HeaderDrift.between(List.of("SKU", "Qty", "Cost"), List.of("Qty", "SKU", "Cost", "New"));

        assertThat(d.orderChanged()).isTrue();
        assertThat(d.added()).containsExactly("New");
    }

    @Test
    void aCaseChangeIsARename() {
        // column_map matches names exactly: "qty" no longer reads "Qty"
        HeaderDrift d = HeaderDrift.between(List.of("SKU", "Qty"), List.of("SKU", "QTY"));

        assertThat(d.renamed()).extracting(HeaderDrift.Rename::to).containsExactly("QTY");
    }

    @Test
    void headersOfAnySizeAreComparedOnTheirFirst200Names() {
        List<String> before = new ArrayList<>();
        List<String> now = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            before.add("col" + i);
            now.add("col" + i);
        }
        now.set(10_000, "changed far away");

        HeaderDrift d = HeaderDrift.between(before, now);

        assertThat(d.changed()).isFalse(); // beyond the compared names: the fingerprint shows it
        assertThat(VendorHeader.of(before).fingerprint()).isNotEqualTo(VendorHeader.of(now).fingerprint());
    }
}
