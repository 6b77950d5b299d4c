package com.relay.publish;

import java.nio.file.Path;
import java.util.Map;

// PLACEHOLDER-21: replaced by the publish-engine branch at merge
public record PublishBaseline(String runId, Path file, Map<String, Long> vendorRows) {}
