package com.relay.engine.run;

/**
 * Told when a run stage starts and how many rows have been read so far, so the worker can write
 * the stage (forward only) and progress to the run record while a long run works (RI §4.1).
 */
public interface StageListener {

    StageListener NONE = new StageListener() { };

    default void stageStarted(String stage) throws Exception { }

    /** Called now and then during NORMALIZE with the rows read so far over all vendors. */
    default void progress(long rowsSoFar) { }

    /** One vendor's feed has been read: its rows (valid + invalid) and how long it took. */
    default void vendorParsed(String vendorId, long rows, long nanos) { }
}
