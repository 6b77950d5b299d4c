package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.config.ApiKeyEntry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The pure pieces of the API: ids, correlation ids, key parsing and hashing, cursors, query rules. */
class ApiPiecesTest {

    @Test
    void identifierRules() {
        for (String ok : List.of("acme", "acme_parts", "A-1", "x".repeat(64))) assertThat(Ids.isIdentifier(ok)).as(ok).isTrue();
        for (String bad : List.of("", "..", "a/b", "a%2Fb", "a\u0001b", "été", "x".repeat(65), "-a", "_a", "a.b")) {
            assertThat(Ids.isIdentifier(bad)).as(bad).isFalse();
        }
        assertThat(Ids.isRunId("3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f")).isTrue();
        assertThat(Ids.isRunId("3F9C2A4E-5D7B-4C1A-9E8F-0A1B2C3D4E5F")).isFalse();
        assertThat(Ids.isRunId("not-a-uuid")).isFalse();
        assertThat(Ids.isFilename("feed.2024.csv")).isTrue();
        for (String bad : List.of(".", "..", ".hidden", "a/b", "a b", "x".repeat(129))) assertThat(Ids.isFilename(bad)).as(bad).isFalse();
    }

    @Test
    void correlationIdRule() {
        assertThat(CorrelationIds.resolve(List.of("c-123"))).isEqualTo("c-123");
        for (List<String> bad : List.of(List.<String>of(), List.of(""), List.of("a b"), List.of("x".repeat(65)), List.of("a", "b"))) {
            assertThat(CorrelationIds.resolve(bad)).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        }
    }

    @Test
    void apiKeyEntriesAreTrimmedAndBadOnesNamedByPositionNeverByHash() {
        String hash = ApiKeyHashing.hex(ApiKeyHashing.sha256("k1"));
        ApiKeyEntry.Parsed ok = ApiKeyEntry.parseList(" ops : admin : " + hash.toUpperCase() + " , t1:tenant=acme:" + hash);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.entries()).extracting(ApiKeyEntry::keyId).containsExactly("ops", "t1");
        assertThat(ok.entries().get(0).admin()).isTrue();
        assertThat(ok.entries().get(1).tenantId()).isEqualTo("acme");

        String badHash = "zz" + hash.substring(2);
        ApiKeyEntry.Parsed bad = ApiKeyEntry.parseList("ops:admin:" + hash + ",x:root:" + badHash + ",broken");
        assertThat(bad.problems()).containsExactly(
                "API_KEYS entry 2: scope must be admin or tenant=<tenant_id>",
                "API_KEYS entry 2: hash must be 64 hex digits (the SHA-256 of the key)",
                "API_KEYS entry 3 must have the form <key_id>:<scope>:<sha256_hex>");
        assertThat(String.join(" ", bad.problems())).doesNotContain(badHash, hash);
    }

    @Test
    void hashMatchingChecksEveryCandidate() {
        byte[] a = ApiKeyHashing.sha256("a");
        byte[] b = ApiKeyHashing.sha256("b");
        assertThat(ApiKeyHashing.hex(ApiKeyHashing.sha256("relay-dev-key"))).hasSize(64);
        assertThat(ApiKeyHashing.matchIndex(b, List.of(a, b, b))).isEqualTo(1);
        assertThat(ApiKeyHashing.matchIndex(ApiKeyHashing.sha256("c"), List.of(a, b))).isEqualTo(-1);
        assertThat(ApiKeyHashing.newKey(new java.security.SecureRandom())).matches("rk_[A-Za-z0-9_-]{43}");
    }

    @Test
    void cursorsRoundTripAndAreBoundToFilters() {
        Map<String, AttributeValue> key = new HashMap<>(Map.of("tenant_id", AttributeValue.fromS("acme"),
                "config_version", AttributeValue.fromN("3")));
        String cursor = Cursors.encode(key, "versions:acme");
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(Cursors.decode(cursor, "versions:acme")).isEqualTo(key);
        for (String bad : List.of(cursor + "x!", "bm9wZQ", "", Cursors.encode(key, "versions:beta"))) {
            assertThatThrownBy(() -> Cursors.decode(bad, "versions:acme")).isInstanceOf(ApiException.class)
                    .hasMessage("request is invalid");
        }
    }

    @Test
    void runListQueryRules() {
        Principal admin = Principal.key("ops", null);
        Principal tenant = Principal.key("t", "acme");
        assertThat(RunListQuery.parse(Map.of("status", "FAILED"), tenant).tenantId()).isEqualTo("acme");
        assertThat(RunListQuery.parse(Map.of("status", "FAILED"), admin).tenantId()).isNull();
        assertThat(pathOf(Map.of(), admin)).isEqualTo("query.tenant_id");
        assertThat(pathOf(Map.of("status", "DONE", "tenant_id", "a"), admin)).isEqualTo("query.status");
        assertThat(pathOf(Map.of("tenant_id", "a", "limit", "0"), admin)).isEqualTo("query.limit");
        assertThat(pathOf(Map.of("tenant_id", "a", "limit", "101"), admin)).isEqualTo("query.limit");
        assertThat(pathOf(Map.of("tenant_id", "a/b"), admin)).isEqualTo("query.tenant_id");
        assertThat(pathOf(Map.of("tenant_id", "a", "created_after", "2026-11-22T08:00:00Z",
                "created_before", "2026-11-22T09:00:00+01:00"), admin)).isEqualTo("query.created_before");
        assertThatThrownBy(() -> RunListQuery.parse(Map.of("tenant_id", "beta"), tenant))
                .isInstanceOf(ApiException.class).hasMessage("tenant beta not found");
        RunListQuery q = RunListQuery.parse(Map.of("tenant_id", "a", "created_after", "2026-11-22T09:00:00.0001+01:00"), admin);
        assertThat(q.after()).isEqualTo(Instant.parse("2026-11-22T08:00:00.001Z"));
        assertThat(q.limit()).isEqualTo(50);
    }

    private static String pathOf(Map<String, String> query, Principal p) {
        try {
            RunListQuery.parse(query, p);
            throw new AssertionError("accepted " + query);
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(422);
            return e.details().get(0).path();
        }
    }
}
