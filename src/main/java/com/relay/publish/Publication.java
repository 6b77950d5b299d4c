package com.relay.publish;

import java.util.List;
import java.util.Map;

// PLACEHOLDER-21: replaced by the publish-engine branch at merge
public record Publication(Decision decision, List<String> reasons, boolean firstPublication, Map<String, Long> stats,
                          Map<String, Long> vendorRows) {
    public enum Decision { PUBLISH, HELD, DRY_RUN }
}
