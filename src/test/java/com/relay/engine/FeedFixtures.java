package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared builders for the engine-input tests: vendors, collecting sinks, one-call parses. */
final class FeedFixtures {
    static final Instant NOW = Instant.parse("2024-05-06T07:08:09.123Z");

    private FeedFixtures() {}

    static TenantConfig.Vendor vendor(String id, char delimiter, String encoding, Map<String, String> columnMap) {
        return new TenantConfig.Vendor(id, true, new TenantConfig.Inbound("local", null),
                new TenantConfig.Parser("csv", delimiter, encoding, columnMap), null);
    }

    static TenantConfig.Vendor vendor(String id) {
        return vendor(id, ',', "utf-8", Map.of());
    }

    static TenantConfig.Parser parser(char delimiter, String encoding) {
        return new TenantConfig.Parser("csv", delimiter, encoding, Map.of());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
        return out;
    }

    /** Collects everything a parse delivers, in order. */
    static final class CollectingSink implements RowSink {
        final List<InventoryRecord> records = new ArrayList<>();
        final List<RowError> errors = new ArrayList<>();
        final List<Object> inOrder = new ArrayList<>();

        @Override
        public void accept(InventoryRecord record) {
            records.add(record);
            inOrder.add(record);
        }

        @Override
        public void error(RowError error) {
            errors.add(error);
            inOrder.add(error);
        }
    }

    record Parsed(VendorParseResult result, List<InventoryRecord> records, List<RowError> errors) {
        InventoryRecord only() {
            if (records.size() != 1 || !errors.isEmpty()) {
                throw new AssertionError("expected one record, got " + records + " / " + errors);
            }
            return records.get(0);
        }

        String onlyReason() {
            if (!records.isEmpty() || errors.size() != 1) {
                throw new AssertionError("expected one error, got " + records + " / " + errors);
            }
            return errors.get(0).reason();
        }
    }

    static Parsed parse(TenantConfig.Vendor vendor, byte[] feed, SkuMapping map, boolean failOnMissing)
            throws EngineFailure, IOException {
        CollectingSink sink = new CollectingSink();
        VendorParseResult result = new VendorFeedParser()
                .parse(vendor, 0, new ByteArrayInputStream(feed), map, NOW, failOnMissing, sink);
        if (result.validRecords() != sink.records.size() || result.errorEntries() != sink.errors.size()) {
            throw new AssertionError("result counts disagree with the sink: " + result);
        }
        return new Parsed(result, sink.records, sink.errors);
    }

    static Parsed parse(String vendorId, String feed) throws EngineFailure, IOException {
        return parse(vendor(vendorId), utf8(feed), null, true);
    }

    static Map<String, Object> rowData(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }
}
