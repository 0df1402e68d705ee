package io.ringtarget.scsi;

/**
 * What a logical unit tells its server about operations that alter every block of it (SANITIZE, FORMAT UNIT), so that
 * they are logged: who wiped a LUN, and whether it finished, is what an administrator asks first; and when its mapped
 * blocks crossed a soft threshold. Called on the event loop that runs the operation or saw the crossing, rarely; an
 * implementation must not block for long nor throw. Each event is ignored unless implemented.
 */
public interface MediumEvents
{
    /** Tells nobody. */
    MediumEvents NONE = new MediumEvents()
    {
    };

    /**
     * @param operation     e.g. "SANITIZE OVERWRITE (3 passes, INVERT)", "FORMAT UNIT (deallocate)".
     * @param initiatorPort the I_T nexus's initiator port that sent it (SPC-4 TransportID form).
     */
    default void operationStarted(final String operation, final String initiatorPort)
    {
    }

    /**
     * An operation a previous run left in the state directory goes on after a restart.
     *
     * @param percentDone where it goes on from: its progress last saved, 0 when it runs again from its first block.
     */
    default void operationResumed(final String operation, final int percentDone)
    {
    }

    /** @param completed false: it failed, and the logical unit is in its failure mode. */
    default void operationEnded(final String operation, final boolean completed, final long elapsedNanos)
    {
    }

    /**
     * The blocks the backstore holds storage for reached the soft threshold ({@link ProvisioningThreshold}): every
     * initiator is told once (THIN PROVISIONING SOFT THRESHOLD REACHED), and again only after they fell below it.
     */
    default void softThresholdReached(final long mappedBlocks, final long thresholdBlocks, final long blockCount)
    {
    }

    /**
     * The blocks the storage beneath can still take fell below the available threshold ({@link ProvisioningThreshold}):
     * every initiator is told once (THIN PROVISIONING SOFT THRESHOLD REACHED), and again only after they rose above it.
     */
    default void availableThresholdReached(
        final long availableBlocks, final long thresholdBlocks, final long blockCount)
    {
    }
}
