package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static com.relay.engine.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spill records round-trip exactly: nulls, decimal scales, negative-zero mask, any string. */
class RecordCodecTest {

    @Test
    void roundTripsEveryField() throws IOException {
        List<InventoryRecord> records = List.of(
                record().build(),
                new InventoryRecord(null, null, null, 0, null, null, null, null, null, null, null, null, null, 0, 0, 0),
                record().sku("SKU\uD83D").vendorSku("\uDE00x").vendorId("v-1").quantity(Long.MAX_VALUE).lead(-3L)
                        .cost("1E+3").mapPrice("0.00").price("12.005").msrp("-0")
                        .mask(InventoryRecord.NEG_ZERO_MAP_PRICE | InventoryRecord.NEG_ZERO_MSRP)
                        .condition("new").brand(" Brand ").title("é€😀\n\"x\"," + "y".repeat(200_000))
                        .updatedAt(Instant.parse("2020-01-01T01:02:03.0045Z")).vendorIndex(19).row(123_456_789_012L).build(),
                record().cost("123456789012345678901234567890.123456789").msrp("-9999999999999999999999999999999E-40")
                        .price("1.10").build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecordCodec codec = new RecordCodec();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (InventoryRecord r : records) codec.write(out, r);
            codec.writeEnd(out);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        for (InventoryRecord expected : records) {
            InventoryRecord actual = codec.read(in);
            assertThat(actual).isEqualTo(expected); // BigDecimal.equals compares scale too
            assertThat(actual.price() == null ? null : actual.price().scale())
                    .isEqualTo(expected.price() == null ? null : expected.price().scale());
        }
        assertThat(codec.read(in)).isNull();
        assertThat(new BigDecimal("1E+3").scale()).isEqualTo(-3);
    }

    @Test
    void truncatedFileIsAClearError() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            new RecordCodec().write(out, record().build());
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        RecordCodec codec = new RecordCodec();
        codec.read(in);
        assertThatThrownBy(() -> codec.read(in)).isInstanceOf(IOException.class).hasMessage("spill file truncated");
    }
}
