package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import com.relay.engine.run.RunResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.InOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * routes/run-worker.camel.yaml and routes/config/worker-errors.camel.yaml as they are, without the
 * emulators (see {@link WorkerRouteFixture}): the stage order, the skip after a failed stage, each
 * receive branch, and a split's failure handled once, on the route's thread.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = WorkerRouteFixture.Slim.class)
class WorkerRouteTest extends WorkerRouteFixture {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        workerProperties(registry, "file:routes/run-worker.camel.yaml,file:routes/config/worker-errors.camel.yaml");
    }

    @MockitoBean(name = "attemptErrors")
    AttemptErrors attemptErrors;
    @MockitoBean(name = "attemptLeases")
    AttemptLeases attemptLeases;

    /** The threads the error handler ran on and what it caught. */
    private final List<String> errorThreads = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void recordErrors() {
        doAnswer(call -> {
            Exchange ex = call.getArgument(0);
            errorThreads.add(Thread.currentThread().getName());
            errors.add(ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
            return null;
        }).when(attemptErrors).attemptFailed(any(), any(Long.class), any(Long.class));
    }

    @Test
    void aRunGoesThroughEachStageStatusWorkAndArtifactPutsThenCompletes() throws Exception {
        Consumer<String> wire = wire();
        sqs().whenAnyExchangeReceived(e -> wire.accept("delete " + e.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE)));
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("worker-run").whenCompleted(1).create();

        Exchange answer = sendJob();

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(answer.getException()).isNull();
        InOrder order = inOrder(jobReceiver, runStages, runInputs, runNormalize, runOutputs, attemptCompletion, wire);
        order.verify(jobReceiver).read(any());
        order.verify(jobReceiver).start(any());
        order.verify(runStages).enter(any(), eq("FETCH_INPUTS"));
        order.verify(runInputs).loadConfig(any());
        order.verify(runInputs).listInputs(any());
        order.verify(runInputs).finish(any());
        verifyPut(order);
        order.verify(runStages).enter(any(), eq("NORMALIZE"));
        order.verify(runNormalize).start(any());
        order.verify(runNormalize).finish(any());
        verifyPut(order);
        order.verify(runStages).enter(any(), eq("MERGE_PRICE"));
        order.verify(runOutputs).mergePrice(any());
        verifyPut(order);
        order.verify(runStages).enter(any(), eq("WRITE_OUTPUTS"));
        order.verify(runOutputs).writeMerged(any());
        verifyPut(order);
        order.verify(runOutputs).writeSummary(any());
        verifyPut(order);
        order.verify(runStages).enter(any(), eq("COMPLETE"));
        order.verify(attemptCompletion).terminalWrite(any());
        order.verify(attemptCompletion).metrics(any());
        order.verify(attemptCompletion).handOffNotification(any());
        order.verify(wire).accept("delete " + RECEIPT);
        order.verify(attemptCompletion).end(any());
        order.verifyNoMoreInteractions();
        verify(attemptErrors, never()).attemptFailed(any(), any(Long.class), any(Long.class));

        // what the S3 steps were asked to do: copies pinned to the listed ETag, gets pinned, one put per artifact
        assertThat(s3Calls("copyObject")).extracting(e -> e.getIn().getHeader(AWS2S3Constants.KEY),
                        e -> e.getIn().getHeader(AWS2S3Constants.IF_MATCH_CONDITION),
                        e -> e.getIn().getHeader(AWS2S3Constants.DESTINATION_KEY))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tenant-1/acme/feed.csv", "\"etag-acme\"", "runs/r1/inbound/acme.csv"),
                        org.assertj.core.groups.Tuple.tuple("tenant-1/globex/feed.csv", "\"etag-globex\"", "runs/r1/inbound/globex.csv"));
        assertThat(s3Calls("getObject")).extracting(e -> e.getIn().getHeader(AWS2S3Constants.IF_MATCH_CONDITION))
                .containsExactly("\"etag-acme\"", "\"etag-globex\"");
        assertThat(s3Calls(null)).extracting(e -> e.getIn().getHeader(AWS2S3Constants.KEY)).containsExactly(
                "runs/r1/config_snapshot.json", "normalized_acme.csv", "normalized_globex.csv", "runs/r1/errors.json",
                "runs/r1/merged.csv", "runs/r1/run_summary.json");
        assertThat(splitThreads).containsOnly("relay-vendor-test");
    }

    /** One call of direct:put-run-artifacts: the drain, then the check that rethrows a failed put. */
    private void verifyPut(InOrder order) throws Exception {
        order.verify(runOutputs).drain(any());
        order.verify(runStages).rethrowSplitFailure(any());
    }

    @Test
    void aStageThatEndsTheRunFailedSkipsTheLaterStagesButStoresItsArtifactsAndCompletes() throws Exception {
        mergeResult = result(RunResult.FAILED);

        sendJob();

        InOrder order = inOrder(runStages, runOutputs, attemptCompletion);
        order.verify(runStages).enter(any(), eq("MERGE_PRICE"));
        order.verify(runOutputs).mergePrice(any());
        verifyPut(order);
        order.verify(runStages).enter(any(), eq("COMPLETE"));
        order.verify(attemptCompletion).terminalWrite(any());
        order.verify(attemptCompletion).end(any());
        verify(runStages, never()).enter(any(), eq("WRITE_OUTPUTS"));
        verify(runOutputs, never()).writeMerged(any());
        verify(runOutputs, never()).writeSummary(any());
        assertThat(s3Calls(null)).extracting(e -> e.getIn().getHeader(AWS2S3Constants.KEY)).endsWith("runs/r1/errors.json");
        assertThat(sqs().getReceivedCounter()).as("the message is deleted: the run is terminal").isEqualTo(1);
        verify(attemptErrors, never()).attemptFailed(any(), any(Long.class), any(Long.class));
    }

    @ParameterizedTest
    @CsvSource({"BAD_MESSAGE, badMessage, 0", "POISON_ALREADY_FAILED, leaveForDlq, 0",
            "ALREADY_PROCESSED, alreadyProcessed, 1", "DELIVERY_IGNORED, delay, 0", "POISON, poison, 0"})
    void eachReceiveOutcomeCallsItsStepAndStartsNoStage(String decision, String step, int deletes) throws Exception {
        decisions.add(decision);

        Exchange answer = sendJob();

        assertThat(answer.getException()).isNull();
        JobReceiver.class.getMethod(step, Exchange.class).invoke(verify(jobReceiver), any(Exchange.class));
        verify(jobReceiver).read(any());
        verify(jobReceiver, never()).start(any());
        for (String other : List.of("badMessage", "leaveForDlq", "alreadyProcessed", "delay", "poison")) {
            if (!other.equals(step)) JobReceiver.class.getMethod(other, Exchange.class).invoke(verify(jobReceiver, never()), any(Exchange.class));
        }
        verify(runStages, never()).enter(any(), any());
        verify(attemptCompletion, never()).terminalWrite(any());
        assertThat(sqs().getReceivedCounter()).isEqualTo(deletes);
        if (deletes == 1) {
            assertThat(sqs().getReceivedExchanges().get(0).getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE)).isEqualTo(RECEIPT);
        }
    }

    @Test
    void aStartThatLostItsConditionReadsAndDecidesAgainThenRuns() throws Exception {
        startsLost = 1;

        sendJob();

        InOrder order = inOrder(jobReceiver, runStages);
        order.verify(jobReceiver).read(any());
        order.verify(jobReceiver).start(any());
        order.verify(jobReceiver).read(any());
        order.verify(jobReceiver).start(any());
        order.verify(runStages).enter(any(), eq("FETCH_INPUTS"));
        verify(runStages, times(1)).enter(any(), eq("FETCH_INPUTS"));
        verify(attemptCompletion).terminalWrite(any());
    }

    @Test
    void aFailedParseStopsTheSplitAndFailsTheAttemptOnceOnTheRoutesThread() throws Exception {
        failingParses.add("acme");

        Exchange answer = sendJob();

        assertThat(answer.getException()).isNull();
        assertThat(parsed).as("globex does not start its parse after acme failed").containsExactly("acme");
        verify(runStages, times(2)).vendorFailed(any());
        verify(runNormalize, times(2)).vendorEnded(any());
        assertOneAttemptFailure("parse of acme failed");
        verify(runStages, never()).enter(any(), eq("MERGE_PRICE"));
        verify(runOutputs, never()).mergePrice(any());
    }

    @Test
    void aFailedCopyStopsTheFetchSplitAndFailsTheAttemptOnce() throws Exception {
        s3().whenAnyExchangeReceived(e -> {
            if (e.getProperty(ENDPOINT, String.class).contains("operation=copyObject")) {
                throw SdkClientException.create("copy of " + e.getIn().getHeader(AWS2S3Constants.KEY) + " failed");
            }
        });

        sendJob();

        assertThat(s3Calls("copyObject")).as("globex is never copied after acme failed").hasSize(1);
        verify(runInputs, never()).vendorFetched(any());
        verify(runInputs, times(2)).vendorEnded(any());
        assertOneAttemptFailure("copy of tenant-1/acme/feed.csv failed");
        verify(runStages, never()).enter(any(), eq("NORMALIZE"));
        verify(runNormalize, never()).start(any());
    }

    @Test
    void aFailedArtifactPutStopsTheOtherPutsAndFailsTheAttemptOnce() throws Exception {
        doAnswer(call -> {
            attempt.pending.put("runs/r1/errors.json", "application/json", new byte[] {1});
            attempt.pending.put("runs/r1/prices.json", "application/json", new byte[] {1});
            return null;
        }).when(runOutputs).mergePrice(any());
        s3().whenAnyExchangeReceived(e -> {
            if ("runs/r1/errors.json".equals(e.getIn().getHeader(AWS2S3Constants.KEY))) {
                throw SdkClientException.create("put failed");
            }
        });

        sendJob();

        assertThat(s3Calls(null)).extracting(e -> e.getIn().getHeader(AWS2S3Constants.KEY))
                .endsWith("runs/r1/errors.json").doesNotContain("runs/r1/prices.json");
        assertThat(calls(runOutputs, "artifactEnded")).as("every started put ends").isEqualTo(calls(runOutputs, "artifactStarted"));
        assertOneAttemptFailure("put failed");
        verify(runStages, never()).enter(any(), eq("WRITE_OUTPUTS"));
    }

    /** The route's error handler ran once, on the thread that sent the job (the route's), with the first failure. */
    private void assertOneAttemptFailure(String message) throws Exception {
        verify(attemptErrors, times(1)).attemptFailed(any(), eq(30L), eq(900L));
        assertThat(errorThreads).containsExactly(Thread.currentThread().getName());
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining(message));
        verify(attemptCompletion, never()).terminalWrite(any());
        assertThat(sqs().getReceivedCounter()).as("a failed attempt keeps its message").isZero();
        assertThat(splitThreads).doesNotContain(Thread.currentThread().getName());
    }
}
