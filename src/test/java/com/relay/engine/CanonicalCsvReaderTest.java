package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading back what the engine wrote (the published feed of docs/CONTRACT.md#publishing-diff-delta-and-guard). */
class CanonicalCsvReaderTest {

    static CanonicalCsvReader reader(String csv) throws IOException, EngineFailure {
        return new CanonicalCsvReader(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "published feed",
                "CODE", "MERGE_PRICE", List.of("missing_since"));
    }

    @Test
    void a_feed_state_row_reads_back_to_the_record_it_was_written_from() throws Exception {
        InventoryRecord written = new InventoryRecord("SKU,\"1\"", "vé", "v1", 12, 3L, new BigDecimal("-0.00"),
                new BigDecimal("0"), new BigDecimal("19.99"), null, "new\nline", null, "=SUM(A1)",
                Instant.parse("2026-01-01T00:00:00.123456Z"), InventoryRecord.NEG_ZERO_COST, 0, 2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvFeedWriter w = CsvFeedWriter.feedState(bytes)) {
            w.writeRow(written, Instant.parse("2026-01-02T00:00:00Z"));
        }

        try (CanonicalCsvReader r = reader(bytes.toString(StandardCharsets.UTF_8))) {
            InventoryRecord read = r.next();
            assertThat(read.sku()).isEqualTo("SKU,\"1\"");
            assertThat(read.vendorSku()).isEqualTo("vé");
            assertThat(read.quantityAvailable()).isEqualTo(12);
            assertThat(read.leadTimeDays()).isEqualTo(3L);
            assertThat(CellFormatter.money(read, CanonicalField.COST)).isEqualTo("-0.00");
            assertThat(CellFormatter.money(read, CanonicalField.MAP_PRICE)).isEqualTo("0.00");
            assertThat(read.price()).isEqualTo(new BigDecimal("19.99"));
            assertThat(read.msrp()).isNull();
            assertThat(read.condition()).isEqualTo("new\nline");
            assertThat(read.brand()).isNull();
            assertThat(read.title()).isEqualTo("=SUM(A1)");
            assertThat(read.updatedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
            assertThat(r.extra("missing_since")).isEqualTo("2026-01-02T00:00:00Z");
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void a_subset_of_columns_in_any_order_leaves_the_others_null() throws Exception {
        try (CanonicalCsvReader r = reader("price,other,sku\n1.50,x,A\n")) {
            assertThat(r.has(CanonicalField.SKU)).isTrue();
            assertThat(r.has(CanonicalField.QUANTITY_AVAILABLE)).isFalse();
            InventoryRecord read = r.next();
            assertThat(read.sku()).isEqualTo("A");
            assertThat(read.price()).isEqualTo(new BigDecimal("1.50"));
            assertThat(read.vendorId()).isNull();
            assertThat(read.quantityAvailable()).isZero();
            assertThat(r.extra("missing_since")).isNull();
        }
    }

    @Test
    void bad_cells_and_headers_name_the_row_and_the_column() throws Exception {
        assertThatThrownBy(() -> reader("sku,sku\n")).isInstanceOf(EngineFailure.class)
                .hasMessage("published feed: column sku appears twice in the header");
        try (CanonicalCsvReader r = reader("sku,price,updated_at\nA,1.00,2026-01-01T00:00:00Z\nB,cheap,\n")) {
            r.next();
            assertThatThrownBy(r::next).isInstanceOf(EngineFailure.class)
                    .hasMessage("published feed: row 3: price 'cheap' is not a decimal")
                    .extracting(e -> ((EngineFailure) e).errorCode()).isEqualTo("CODE");
        }
        try (CanonicalCsvReader r = reader("sku,updated_at\nA,yesterday\n")) {
            assertThatThrownBy(r::next).hasMessage(
                    "published feed: row 2: updated_at 'yesterday' is not a timestamp such as 2020-01-01T00:00:00Z");
        }
    }
}
