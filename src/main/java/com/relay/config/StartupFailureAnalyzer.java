package com.relay.config;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;

/**
 * Turns a refused start-up (bad environment, missing emulators, provisioning conflict) into
 * Spring Boot's short "APPLICATION FAILED TO START" report instead of a nested stack trace.
 */
public class StartupFailureAnalyzer extends AbstractFailureAnalyzer<RelayStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RelayStartupException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
