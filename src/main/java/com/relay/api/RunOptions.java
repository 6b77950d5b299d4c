package com.relay.api;

import static com.relay.aws.DynamoItems.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The publishing options of {@code POST /v1/runs} (docs/CONTRACT.md#the-published-feed, docs/API.md#the-published-feed):
 * {@code mode} (publish | dry_run), a pinned {@code config_version} (dry runs only: a what-if
 * never publishes a configuration that is not the tenant's latest) and {@code inputs_from_run}.
 */
final class RunOptions {

    static final String PUBLISH = "publish";
    static final String DRY_RUN = "dry_run";

    private RunOptions() {}

    static String mode(JsonNode node, List<ApiException.Detail> problems) {
        if (node == null || node.isNull()) return PUBLISH;
        if (node.isTextual() && (PUBLISH.equals(node.asText()) || DRY_RUN.equals(node.asText()))) return node.asText();
        problems.add(new ApiException.Detail("mode", "must be publish or dry_run", null));
        return PUBLISH;
    }

    static Long configVersion(JsonNode node, String mode, List<ApiException.Detail> problems) {
        if (node == null || node.isNull()) return null;
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
            problems.add(new ApiException.Detail("config_version", "must be an integer >= 1", null));
            return null;
        }
        if (!DRY_RUN.equals(mode)) {
            problems.add(new ApiException.Detail("config_version",
                    "is only allowed with mode dry_run (a run that publishes uses the tenant's latest configuration)", null));
            return null;
        }
        return node.asLong();
    }

    static String inputsFromRun(JsonNode node, List<ApiException.Detail> problems) {
        if (node == null || node.isNull()) return null;
        if (!node.isTextual() || !Ids.isRunId(node.asText())) {
            problems.add(new ApiException.Detail("inputs_from_run", "must be a run id", null));
            return null;
        }
        return node.asText();
    }

    /** The run whose inputs a new run reuses: the same tenant's, with inbound copies. */
    static void checkInputsFrom(Optional<Map<String, AttributeValue>> run, String runId, String tenantId) {
        if (run.isEmpty() || !"RUN".equals(text(run.get(), "item_type")) || !tenantId.equals(text(run.get(), "tenant_id"))) {
            throw ApiException.invalid("inputs_from_run", "tenant " + tenantId + " has no run " + runId);
        }
        AttributeValue artifacts = run.get().get("artifacts");
        boolean hasInputs = artifacts != null && artifacts.hasM()
                && artifacts.m().keySet().stream().anyMatch(k -> k.startsWith("inbound_"));
        if (!hasInputs) {
            throw ApiException.invalid("inputs_from_run", "run " + runId + " has no inbound copies to reuse (status "
                    + text(run.get(), "status") + ")");
        }
    }

    /** A list, map or boolean attribute as plain JSON values. */
    static Object plain(AttributeValue v) {
        if (v == null || Boolean.TRUE.equals(v.nul())) return null;
        if (v.s() != null) return v.s();
        if (v.n() != null) return v.n().contains(".") ? (Object) Double.parseDouble(v.n()) : (Object) Long.parseLong(v.n());
        if (v.bool() != null) return v.bool();
        if (v.hasL()) {
            List<Object> out = new ArrayList<>();
            v.l().forEach(x -> out.add(plain(x)));
            return out;
        }
        if (v.hasM()) {
            Map<String, Object> out = new LinkedHashMap<>();
            new java.util.TreeMap<>(v.m()).forEach((k, x) -> out.put(k, plain(x)));
            return out;
        }
        return null;
    }
}
