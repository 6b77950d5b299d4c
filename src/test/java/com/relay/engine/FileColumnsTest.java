package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#vendor-drift: what each format reports as the file's columns (RowSink#header, once, before any row). */
class FileColumnsTest {

    static List<VendorHeader> headers(TenantConfig.Parser parser, String feed) throws Exception {
        List<VendorHeader> seen = new ArrayList<>();
        List<Object> delivered = new ArrayList<>();
        RowSink rows = new RowSink() {
            @Override
            public void accept(InventoryRecord record) { delivered.add(record); }

            @Override
            public void error(RowError error) { delivered.add(error); }

            @Override
            public void header(VendorHeader header) {
                assertThat(delivered).as("the header comes before any row").isEmpty();
                seen.add(header);
            }
        };
        new VendorFeedParser().parse(new TenantConfig.Vendor("acme", true, null, parser, null), 0,
                new ByteArrayInputStream(feed.getBytes(StandardCharsets.UTF_8)), null, FeedFixtures.NOW, false, rows, 0, null, null);
        assertThat(seen).hasSize(1);
        return seen;
    }

    static TenantConfig.Parser parser(String format, String recordsPath, String recordPath, Map<String, String> columnMap) {
        return new TenantConfig.Parser(format, ',', "utf-8", columnMap, format.equals("csv") ? Boolean.TRUE : null,
                null, null, null, recordsPath, recordPath, null);
    }

    @Test
    void csvGivesItsHeaderRowTrimmed() throws Exception {
        assertThat(headers(parser("csv", null, null, Map.of()), " sku ,quantity_available,Extra\nA,1,x\n").get(0).columns())
                .containsExactly("sku", "quantity_available", "Extra");
    }

    @Test
    void jsonGivesTheMemberPathsOfItsFirstRecordNotTheConfiguredNames() throws Exception {
        String feed = "[{\"sku\": \"A\", \"stock\": {\"qty\": 1, \"where\": \"W\"}, \"tags\": [1], \"brand\": \"b\"},"
                + " {\"sku\": \"B\", \"other\": 2}]";
        VendorHeader h = headers(parser("json", "$[*]", null, Map.of("quantity_available", "stock.qty")), feed).get(0);

        // nested members only under configured paths; later records' names do not count
        assertThat(h.columns()).containsExactly("sku", "stock", "stock.qty", "stock.where", "tags", "brand");
    }

    @Test
    void xmlGivesTheAttributesAndChildrenOfItsFirstRecord() throws Exception {
        String feed = "<feed><item id=\"1\" kind=\"k\"><sku>A</sku><qty>1</qty><price><amount>2</amount></price></item>"
                + "<item><sku>B</sku><late>x</late></item></feed>";
        VendorHeader h = headers(parser("xml", null, "/feed/item", Map.of("quantity_available", "qty")), feed).get(0);

        assertThat(h.columns()).containsExactly("@id", "@kind", "sku", "qty", "price");
    }

    @Test
    void aJsonFeedWithoutRecordsHasNoColumns() throws Exception {
        assertThat(headers(parser("json", "$[*]", null, Map.of()), "[]").get(0).columns()).isEmpty();
    }
}
