package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoItemsTest {

    private static final Map<String, AttributeValue> ITEM = Map.of(
            "status", AttributeValue.fromS("RUNNING"),
            "attempts", AttributeValue.fromN("3"),
            "huge", AttributeValue.fromN("9223372036854775808"),
            "fraction", AttributeValue.fromN("1.5"),
            "lease_expires_at", AttributeValue.fromS("2026-01-02T03:04:05.678Z"),
            "not_a_time", AttributeValue.fromS("yesterday"),
            "flag", AttributeValue.fromBool(true));

    @Test
    void textReadsStringsAndTreatsMissingOrOtherTypesAsAbsent() {
        assertThat(DynamoItems.text(ITEM, "status")).isEqualTo("RUNNING");
        assertThat(DynamoItems.text(ITEM, "missing")).isNull();
        assertThat(DynamoItems.text(ITEM, "attempts")).isNull();
        assertThat(DynamoItems.text(ITEM, "flag")).isNull();
        assertThat(DynamoItems.text(null, "status")).isNull();
    }

    @Test
    void numberReturnsDynamoDbsTextOfANumber() {
        assertThat(DynamoItems.number(ITEM, "attempts")).isEqualTo("3");
        assertThat(DynamoItems.number(ITEM, "fraction")).isEqualTo("1.5");
        assertThat(DynamoItems.number(ITEM, "status")).isNull();
        assertThat(DynamoItems.number(ITEM, "missing")).isNull();
        assertThat(DynamoItems.number(null, "attempts")).isNull();
    }

    @Test
    void longOrParsesTheNumberOrFallsBackWhenAbsent() {
        assertThat(DynamoItems.longOr(ITEM, "attempts", 0)).isEqualTo(3);
        assertThat(DynamoItems.longOr(ITEM, "missing", 0)).isZero();
        assertThat(DynamoItems.longOr(ITEM, "status", 7)).isEqualTo(7);
        assertThat(DynamoItems.longOr(null, "attempts", -1)).isEqualTo(-1);
    }

    @Test
    void longOrRejectsANumberThatIsNotALong() {
        assertThatThrownBy(() -> DynamoItems.longOr(ITEM, "fraction", 0)).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> DynamoItems.longOr(ITEM, "huge", 0)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void instantParsesIsoTextAndTreatsMissingOrOtherTypesAsAbsent() {
        assertThat(DynamoItems.instant(ITEM, "lease_expires_at")).isEqualTo(Instant.parse("2026-01-02T03:04:05.678Z"));
        assertThat(DynamoItems.instant(ITEM, "missing")).isNull();
        assertThat(DynamoItems.instant(ITEM, "attempts")).isNull();
        assertThat(DynamoItems.instant(null, "lease_expires_at")).isNull();
        assertThatThrownBy(() -> DynamoItems.instant(ITEM, "not_a_time")).isInstanceOf(DateTimeParseException.class);
    }
}
