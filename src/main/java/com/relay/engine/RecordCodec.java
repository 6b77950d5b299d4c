package com.relay.engine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

/**
 * Compact binary form of an {@link InventoryRecord} for spill files (docs/CONTRACT.md#orchestration-streaming-and-memory). Preserves every
 * field exactly: null-ness, decimal scale (unscaled value + scale), the negative-zero mask, and
 * strings code unit for code unit (unpaired surrogates included, which UTF-8 would replace).
 */
final class RecordCodec {

    private static final int RECORD = 1;
    private static final int END = 0;

    private static final int NULL_DECIMAL = 0;
    private static final int LONG_DECIMAL = 1;
    private static final int BIG_DECIMAL = 2;

    private byte[] scratch = new byte[256];

    void write(DataOutputStream out, InventoryRecord r) throws IOException {
        out.writeByte(RECORD);
        writeString(out, r.sku());
        writeString(out, r.vendorSku());
        writeString(out, r.vendorId());
        out.writeLong(r.quantityAvailable());
        if (r.leadTimeDays() == null) {
            out.writeBoolean(false);
        } else {
            out.writeBoolean(true);
            out.writeLong(r.leadTimeDays());
        }
        writeDecimal(out, r.cost());
        writeDecimal(out, r.mapPrice());
        writeDecimal(out, r.price());
        writeDecimal(out, r.msrp());
        writeString(out, r.condition());
        writeString(out, r.brand());
        writeString(out, r.title());
        if (r.updatedAt() == null) {
            out.writeBoolean(false);
        } else {
            out.writeBoolean(true);
            out.writeLong(r.updatedAt().getEpochSecond());
            out.writeInt(r.updatedAt().getNano());
        }
        out.writeInt(r.negativeZeroMask());
        out.writeInt(r.vendorIndex());
        out.writeLong(r.rowNumber());
    }

    void writeEnd(DataOutputStream out) throws IOException {
        out.writeByte(END);
    }

    /** The next record, or null at the end marker. */
    InventoryRecord read(DataInputStream in) throws IOException {
        int tag = in.read();
        if (tag == END) return null;
        if (tag != RECORD) throw new IOException(tag < 0 ? "spill file truncated" : "spill file corrupt");
        String sku = readString(in);
        String vendorSku = readString(in);
        String vendorId = readString(in);
        long quantity = in.readLong();
        Long lead = in.readBoolean() ? in.readLong() : null;
        BigDecimal cost = readDecimal(in);
        BigDecimal mapPrice = readDecimal(in);
        BigDecimal price = readDecimal(in);
        BigDecimal msrp = readDecimal(in);
        String condition = readString(in);
        String brand = readString(in);
        String title = readString(in);
        Instant updatedAt = in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
        int mask = in.readInt();
        int vendorIndex = in.readInt();
        long rowNumber = in.readLong();
        return new InventoryRecord(sku, vendorSku, vendorId, quantity, lead, cost, mapPrice, price, msrp,
                condition, brand, title, updatedAt, mask, vendorIndex, rowNumber);
    }

    private static void writeDecimal(DataOutputStream out, BigDecimal d) throws IOException {
        if (d == null) {
            out.writeByte(NULL_DECIMAL);
        } else if (d.precision() <= 18) {
            out.writeByte(LONG_DECIMAL);
            out.writeInt(d.scale());
            out.writeLong(d.unscaledValue().longValueExact());
        } else {
            byte[] bytes = d.unscaledValue().toByteArray();
            out.writeByte(BIG_DECIMAL);
            out.writeInt(d.scale());
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static BigDecimal readDecimal(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case NULL_DECIMAL:
                return null;
            case LONG_DECIMAL: {
                int scale = in.readInt();
                return BigDecimal.valueOf(in.readLong(), scale);
            }
            case BIG_DECIMAL: {
                int scale = in.readInt();
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return new BigDecimal(new BigInteger(bytes), scale);
            }
            default:
                throw new IOException("spill file corrupt");
        }
    }

    /**
     * Length in chars (-1 for null), then each char as 1–3 bytes (UTF-8 shape, surrogates encoded
     * one by one like modified UTF-8), so any Java string round-trips exactly.
     */
    private void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        int n = s.length();
        if (scratch.length < n * 3) scratch = new byte[Math.max(n * 3, scratch.length * 2)];
        byte[] b = scratch;
        int p = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        out.writeInt(n);
        out.writeInt(p);
        out.write(b, 0, p);
    }

    private String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        int byteCount = in.readInt();
        if (scratch.length < byteCount) scratch = new byte[Math.max(byteCount, scratch.length * 2)];
        byte[] b = scratch;
        in.readFully(b, 0, byteCount);
        char[] chars = new char[n];
        int p = 0;
        for (int i = 0; i < n; i++) {
            int b0 = b[p++] & 0xFF;
            if (b0 < 0x80) {
                chars[i] = (char) b0;
            } else if (b0 < 0xE0) {
                chars[i] = (char) (((b0 & 0x1F) << 6) | (b[p++] & 0x3F));
            } else {
                int b1 = b[p++];
                int b2 = b[p++];
                chars[i] = (char) (((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F));
            }
        }
        return new String(chars);
    }
}
