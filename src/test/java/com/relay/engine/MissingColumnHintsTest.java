package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.relay.tenants.config.TenantConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#header-check-and-required-columns: a missing required column names its likely replacement, never a random one. */
class MissingColumnHintsTest {

    static final TenantConfig.Vendor ACME = FeedFixtures.vendor("acme", ',', "utf-8",
            Map.of("sku", "SKU", "quantity_available", "Qty", "cost", "Cost"));

    static String failure(TenantConfig.Vendor vendor, String feed, List<String> previous) throws Exception {
        EngineFailure f = catchThrowableOfType(EngineFailure.class, () -> new VendorFeedParser().parse(vendor, 0,
                new ByteArrayInputStream(feed.getBytes(StandardCharsets.UTF_8)), null, FeedFixtures.NOW, true,
                new FeedFixtures.CollectingSink(), 0, null, previous));
        assertThat(f).as("the parse fails").isNotNull();
        assertThat(f.errorCode()).isEqualTo("missing_required_columns");
        return f.getMessage();
    }

    @Test
    void theIssuesExample() throws Exception {
        String message = failure(ACME, "SKU,Available Quantity,Cost\nA,1,2\n", List.of("SKU", "Qty", "Cost"));

        assertThat(message).isEqualTo("missing columns: Qty. `Qty` is missing; the file has a new column `Available Quantity`");
    }

    @Test
    void oneColumnGoneAndOneNewIsNamedEvenWhenTheNamesDiffer() throws Exception {
        assertThat(failure(ACME, "SKU,Stock,Cost\nA,1,2\n", List.of("SKU", "Qty", "Cost")))
                .isEqualTo("missing columns: Qty. `Qty` is missing; the file has a new column `Stock`");
    }

    @Test
    void withThePreviousHeaderKnownOnlyANewColumnIsNamed() throws Exception {
        // "Qty Reserved" was there before: it is not what replaced "Qty"
        assertThat(failure(ACME, "SKU,Qty Reserved,Cost,Warehouse,Brand\nA,1,2,3,4\n",
                List.of("SKU", "Qty", "Qty Reserved", "Cost")))
                .isEqualTo("missing columns: Qty");
    }

    @Test
    void withoutThePreviousHeaderTheMostSimilarUnreadColumnIsNamed() throws Exception {
        assertThat(failure(ACME, "SKU,Brand,Available Qty,Cost\nA,b,1,2\n", null))
                .isEqualTo("missing columns: Qty. `Qty` is missing; the file has a similar column `Available Qty`");
    }

    @Test
    void nothingSimilarGivesTheMessageAsBefore() throws Exception {
        assertThat(failure(ACME, "SKU,Brand,Stock,Cost\nA,b,1,2\n", null)).isEqualTo("missing columns: Qty");
        assertThat(failure(ACME, "", null)).isEqualTo("missing columns: SKU, Qty");
    }

    @Test
    void aColumnTheConfigurationReadsIsNeverOffered() throws Exception {
        TenantConfig.Vendor v = FeedFixtures.vendor("acme", ',', "utf-8",
                Map.of("sku", "SKU", "quantity_available", "Qty", "title", "Qty Title"));
        assertThat(failure(v, "SKU,Qty Title\nA,t\n", null)).isEqualTo("missing columns: Qty");
    }

    @Test
    void twoMissingColumnsEachGetTheirOwnReplacement() throws Exception {
        assertThat(failure(ACME, "Item SKU,Quantity,Cost\nA,1,2\n", List.of("SKU", "Qty", "Cost")))
                .isEqualTo("missing columns: SKU, Qty. `SKU` is missing; the file has a new column `Item SKU`"
                        + ". `Qty` is missing; the file has a new column `Quantity`");
    }

    @Test
    void jsonNamesTheMembersOfTheFirstRecord() throws Exception {
        TenantConfig.Parser json = new TenantConfig.Parser("json", ',', "utf-8", Map.of("quantity_available", "qty"),
                null, null, null, null, "$[*]", null, null);
        TenantConfig.Vendor v = new TenantConfig.Vendor("acme", true, null, json, null);

        assertThat(failure(v, "[{\"sku\": \"A\", \"available_qty\": 1}]", null))
                .isEqualTo("missing columns: qty. `qty` is missing; the file has a similar column `available_qty`");
    }

    @Test
    void jsonNeverOffersTheObjectThatHoldsTheMissingPath() throws Exception {
        TenantConfig.Parser json = new TenantConfig.Parser("json", ',', "utf-8", Map.of("quantity_available", "stock.qty"),
                null, null, null, null, "$[*]", null, null);
        TenantConfig.Vendor v = new TenantConfig.Vendor("acme", true, null, json, null);

        assertThat(failure(v, "[{\"sku\": \"A\", \"stock\": {\"available\": 1}}]", null)).isEqualTo(
                "missing columns: stock.qty. `stock.qty` is missing; the file has a similar column `stock.available`");
    }

    @Test
    void withoutFailingTheRunTheVendorLevelEntryCarriesTheHint() throws Exception {
        FeedFixtures.CollectingSink sink = new FeedFixtures.CollectingSink();
        new VendorFeedParser().parse(ACME, 0, new ByteArrayInputStream("SKU,Available Quantity\nA,1\n".getBytes(StandardCharsets.UTF_8)),
                null, FeedFixtures.NOW, false, sink, 0, null, List.of("SKU", "Qty"));

        assertThat(sink.errors).extracting(RowError::reason)
                .containsExactly("missing columns: Qty. `Qty` is missing; the file has a new column `Available Quantity`");
    }
}
