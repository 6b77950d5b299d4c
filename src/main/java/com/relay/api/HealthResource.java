package com.relay.api;

import com.relay.aws.DependencyProbe;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** {@code GET /v1/health} (docs/CONTRACT.md#endpoints): shallow by default, every dependency probed with {@code ?deep=true}. */
@Component("healthResource")
public class HealthResource {

    private final DependencyProbe probe;

    public HealthResource(DependencyProbe probe) {
        this.probe = probe;
    }

    public Map<String, Object> health(Exchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!"true".equalsIgnoreCase(exchange.getIn().getHeader("deep", String.class))) {
            body.put("status", "ok");
            return body;
        }
        Map<String, String> checks = probe.probe();
        boolean ok = DependencyProbe.allOk(checks);
        body.put("status", ok ? "ok" : "unhealthy");
        body.put("checks", checks);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, ok ? 200 : 503);
        return body;
    }
}
