package com.relay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.api.Ids;

/**
 * The jobs-queue message body (docs/CONTRACT.md#job-message) and the checks of rule 1 of the receive decision table
 * (docs/CONTRACT.md#receiving-a-job). The body is authoritative; message attributes are only for logs.
 */
public record JobMessage(String runId, String tenantId, long configVersion, String correlationId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Either a job or the reason the body is unusable (logged as {@code bad_message}). */
    public record Parsed(JobMessage job, String badReason) {
        public boolean ok() { return job != null; }
    }

    public static Parsed parse(String body) {
        if (body == null || body.isBlank()) return bad("empty body");
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (Exception e) {
            return bad("body is not JSON");
        }
        if (node == null || !node.isObject()) return bad("body is not a JSON object");
        JsonNode runId = node.get("run_id");
        if (runId == null || !runId.isTextual() || !Ids.isRunId(runId.asText())) return bad("run_id is not a UUID");
        JsonNode tenant = node.get("tenant_id");
        if (tenant == null || !tenant.isTextual() || !Ids.isIdentifier(tenant.asText())) {
            return bad("tenant_id is not a valid identifier");
        }
        JsonNode version = node.get("config_version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 1) {
            return bad("config_version is not an integer >= 1");
        }
        JsonNode correlation = node.get("correlation_id");
        String correlationId = correlation != null && correlation.isTextual() ? correlation.asText() : null;
        return new Parsed(new JobMessage(runId.asText(), tenant.asText(), version.asLong(), correlationId), null);
    }

    private static Parsed bad(String reason) {
        return new Parsed(null, reason);
    }
}
