package com.relay.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#what-each-step-writes artifact-key guard (issue 17 #15: a trailing {@code /..} passed). */
class RunFolderKeysTest {

    private static final String RUN = "3f1c2a4e-1b2c-4d5e-8f90-123456789abc";

    @Test
    void keysInsideTheRunFolderPass() {
        assertThat(EngineRun.insideRunFolder(RUN + "/merged.csv", RUN)).isTrue();
        assertThat(EngineRun.insideRunFolder(RUN + "/vendors/acme/report.json", RUN)).isTrue();
        assertThat(EngineRun.insideRunFolder(RUN + "/a..b.csv", RUN)).isTrue();
    }

    @Test
    void dotSegmentsAnywhereAndEmptySegmentsFail() {
        for (String key : new String[] {RUN + "/..", RUN + "/x/..", RUN + "/../other/x", RUN + "/./x", RUN + "/.",
                RUN + "//x", RUN + "/", RUN + "/x/", "other/" + RUN + "/x", RUN + "x/y"}) {
            assertThat(EngineRun.insideRunFolder(key, RUN)).as(key).isFalse();
        }
    }
}
