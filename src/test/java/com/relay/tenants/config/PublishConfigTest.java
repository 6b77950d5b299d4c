package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.configOf;
import static com.relay.tenants.config.ConfigFixtures.minimalWith;
import static com.relay.tenants.config.ConfigFixtures.parseJson;
import static com.relay.tenants.config.ConfigFixtures.problem;
import static com.relay.tenants.config.ConfigFixtures.problemsOf;
import static com.relay.tenants.config.ConfigFixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** docs/CONFIG_SPEC.md#publish: the {@code publish} section, its defaults, messages and stored form. */
class PublishConfigTest {

    private static final String FRACTION = "must be between 0 and 1 (a fraction: 0.20 = 20 %)";

    @Test
    void absent_publish_is_null_and_defaults_to_no_guard_and_drop() {
        TenantConfig config = configOf(parseJson(minimalWith(), API));

        assertThat(config.publish()).isNull();
        assertThat(config.publishOrDefault()).isEqualTo(TenantConfig.Publish.DEFAULT);
        assertThat(config.publishOrDefault().zeroMissing()).isFalse();
        assertThat(TenantConfigJson.toObjectNode(config).get("publish").isNull()).isTrue();
    }

    @Test
    void every_field_is_read_and_round_trips() {
        TenantConfig config = configOf(parseJson(minimalWith(set("publish", """
                {"guard": {"max_sku_drop_pct": 0.20, "max_zeroed_pct": "0.30", "max_median_price_change_pct": 0.25,
                           "max_vendor_row_drop_pct": 1},
                 "missing_sku_policy": "zero", "zero_days": 3}""")), API));

        TenantConfig.Publish p = config.publish();
        assertThat(p.guard().maxSkuDropPct()).isEqualTo(new BigDecimal("0.20"));
        assertThat(p.guard().maxZeroedPct()).isEqualTo(new BigDecimal("0.30"));
        assertThat(p.guard().maxMedianPriceChangePct()).isEqualTo(new BigDecimal("0.25"));
        assertThat(p.guard().maxVendorRowDropPct()).isEqualTo(BigDecimal.ONE);
        assertThat(p.zeroMissing()).isTrue();
        assertThat(p.zeroDays()).isEqualTo(3);
        assertThat(TenantConfigJson.toObjectNode(config).get("publish").toString()).isEqualTo(
                "{\"guard\":{\"max_sku_drop_pct\":\"0.20\",\"max_zeroed_pct\":\"0.30\",\"max_median_price_change_pct\":\"0.25\","
                        + "\"max_vendor_row_drop_pct\":\"1\"},\"missing_sku_policy\":\"zero\",\"zero_days\":3}");
        assertThat(configOf(parseJson(TenantConfigJson.toJson(config), API))).isEqualTo(config);
    }

    @Test
    void an_empty_publish_object_takes_every_default() {
        TenantConfig config = configOf(parseJson(minimalWith(set("publish", "{}")), API));

        assertThat(config.publish()).isEqualTo(TenantConfig.Publish.DEFAULT);
        assertThat(configOf(parseJson(TenantConfigJson.toJson(config), API))).isEqualTo(config);
    }

    @Test
    void bad_values_and_unknown_keys_get_specific_messages() {
        assertThat(problemsOf(parseJson(minimalWith(set("publish", """
                {"guard": {"max_sku_drop_pct": 1.5, "max_zeroed_pct": -0.1, "max_median_price_change_pct": "x",
                           "max_row_drop": 0.5},
                 "missing_sku_policy": "keep", "zero_days": 0, "zero_hours": 3}""")), API))).containsExactly(
                problem("publish.guard.max_sku_drop_pct", FRACTION),
                problem("publish.guard.max_zeroed_pct", FRACTION),
                problem("publish.guard.max_median_price_change_pct", "must be a decimal number"),
                problem("publish.guard.max_row_drop", "unknown field"),
                problem("publish.missing_sku_policy", "must be one of: drop, zero"),
                problem("publish.zero_days", "must be >= 1"),
                problem("publish.zero_hours", "unknown field"));
    }

    @Test
    void types_are_strict() {
        assertThat(problemsOf(parseJson(minimalWith(set("publish", """
                {"guard": [], "zero_days": 7.5}""")), API))).containsExactly(
                problem("publish.guard", "must be an object"),
                problem("publish.zero_days", "must be an integer"));
        assertThat(problemsOf(parseJson(minimalWith(set("publish", "3")), API)))
                .containsExactly(problem("publish", "must be an object"));
    }
}
