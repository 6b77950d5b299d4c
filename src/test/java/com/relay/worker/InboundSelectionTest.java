package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Newest-object selection, the vectors of docs/CONTRACT.md#newest-object-selection-vectors. */
class InboundSelectionTest {

    private static InboundSelection.Candidate obj(String key, String time, long size) {
        return new InboundSelection.Candidate("tenants/acme/inbound/v1/" + key,
                Instant.parse("2026-11-22T" + time + ":00Z"), size, "\"e\"");
    }

    private static String select(InboundSelection.Candidate... objects) {
        InboundSelection s = new InboundSelection();
        for (InboundSelection.Candidate c : objects) s.offer(c);
        return s.selected().map(c -> c.key().substring("tenants/acme/inbound/v1/".length())).orElse(null);
    }

    @Test
    void greatestLastModifiedWins() {
        assertThat(select(obj("a.csv", "10:00", 5), obj("b.csv", "10:05", 5), obj("2024/c.csv", "10:03", 5))).isEqualTo("b.csv");
    }

    @Test
    void onATieTheGreatestKeyWins() {
        assertThat(select(obj("x.csv", "10:05", 5), obj("y.csv", "10:05", 5))).isEqualTo("y.csv");
        assertThat(select(obj("y.csv", "10:05", 5), obj("x.csv", "10:05", 5))).isEqualTo("y.csv");
    }

    @Test
    void folderMarkersAreIgnoredButEmptyFilesAreNot() {
        assertThat(select(obj("folder/", "11:00", 0), obj("a.csv", "10:00", 5))).isEqualTo("a.csv");
        assertThat(select(obj("empty.csv", "11:00", 0), obj("a.csv", "10:00", 5))).isEqualTo("empty.csv");
        assertThat(select(obj("folder/", "11:00", 0))).isNull();
    }

    @Test
    void everyObjectIsConsidered() {
        InboundSelection s = new InboundSelection();
        for (int i = 0; i < 1500; i++) {
            s.offer(new InboundSelection.Candidate(String.format("tenants/acme/inbound/v1/k%04d.csv", i),
                    Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i == 1399 ? 3600 : i % 60), 5, "\"e\""));
        }
        assertThat(s.selected().orElseThrow().key()).isEqualTo("tenants/acme/inbound/v1/k1399.csv");
    }

    @Test
    void nothingListedMeansMissing() {
        assertThat(select()).isNull();
    }
}
