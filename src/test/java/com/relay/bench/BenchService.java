package com.relay.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The service as the API benchmarks start it: embedded default, fresh data, free ports, quiet logs. */
final class BenchService {

    private BenchService() {}

    /** Spring properties for a service whose data lives (fresh: deleted first) in {@code appData}. */
    static Map<String, Object> properties(Path appData) throws IOException {
        RelayCli.deleteTree(appData);
        Map<String, Object> props = new HashMap<>();
        props.put("RELAY_DATA_DIR", appData.toString());
        props.put("RELAY_EMBEDDED_SQS_PORT", "0");
        props.put("RELAY_EMBEDDED_DYNAMODB_PORT", "0");
        props.put("RELAY_EMBEDDED_S3_PORT", "0");
        props.put("SERVER_PORT", "0");
        props.put("MANAGEMENT_PORT", "0");
        props.put("SCHEDULER_ENABLED", "false");
        props.put("LOG_LEVEL", "WARN");
        props.put("LOG_FORMAT", "text");
        return props;
    }
}
