package com.relay.engine.run;

/**
 * Told when a run stage starts and how many rows have been read so far, so the worker can write
 * the stage (forward only) and progress to the run record while a long run works (docs/CONTRACT.md#statuses-and-stages).
 */
public interface StageListener {

    StageListener NONE = new StageListener() { };

    default void stageStarted(String stage) throws Exception { }

    /** Called now and then during NORMALIZE with the rows read so far over all vendors. */
    default void progress(long rowsSoFar) { }

    /** One vendor's feed has been read: its rows (valid + invalid) and how long it took. */
    default void vendorParsed(String vendorId, long rows, long nanos) { }

    /**
     * One vendor's {@code fetch} (its inbound copy, FETCH_INPUTS) or {@code parse} (NORMALIZE) starts,
     * on the thread that does it (a vendor thread when vendors run in parallel); the handle is
     * closed on that thread when the work ends. The worker makes a span of it.
     */
    default VendorWork vendorStarted(String vendorId, String operation) { return VendorWork.NONE; }

    /** What is learnt about one vendor's unit of work while it runs. */
    interface VendorWork extends AutoCloseable {

        VendorWork NONE = new VendorWork() { };

        /** Data rows read (valid and invalid). */
        default void rows(long rows) { }

        /** Bytes of the feed. */
        default void bytes(long bytes) { }

        /** The work failed (an engine failure or an I/O error); rethrown or recorded by the caller. */
        default void failed(Throwable cause) { }

        @Override
        default void close() { }
    }
}
