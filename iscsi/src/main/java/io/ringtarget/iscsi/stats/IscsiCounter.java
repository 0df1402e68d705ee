package io.ringtarget.iscsi.stats;

/**
 * The protocol events each event loop counts, one counter per descriptor and loop (in the style of Aeron's
 * SystemCounterDescriptor). Every event is counted once, by the loop thread that saw it; other threads read the
 * counters without locks ({@link LoopCounters}). Type ids are stable: scrapers may key on them.
 */
public enum IscsiCounter
{
    CONNECTIONS_ACCEPTED(1001, "connections accepted"),
    CONNECTIONS_CLOSED(1002, "connections closed"),
    /** An unexpected exception while handling a connection closed it (a bug, or a resource failure). */
    CONNECTION_FAULTS(1003, "connections closed by an internal error"),
    LOGINS_SUCCEEDED(1010, "logins succeeded"),
    LOGINS_AUTHENTICATION_FAILED(1011, "logins failed: authentication"),
    LOGINS_AUTHORIZATION_FAILED(1012, "logins failed: authorization"),
    LOGINS_TARGET_NOT_FOUND(1013, "logins failed: target not found"),
    LOGINS_FAILED_OTHER(1014, "logins failed: other"),
    LOGOUTS(1015, "logouts"),
    /** Logins refused because their InitiatorName is locked out after failed authentications. */
    LOGINS_THROTTLED_INITIATOR(1016, "logins refused: initiator locked out"),
    /** Logins refused because their source address is locked out after failed logins. */
    LOGINS_THROTTLED_SOURCE(1017, "logins refused: source address locked out"),
    LOCKOUTS_INITIATOR(1018, "lockouts of an initiator name begun"),
    LOCKOUTS_SOURCE(1019, "lockouts of a source address begun"),
    /** Connections closed because their login phase did not finish within the login timeout. */
    LOGIN_TIMEOUTS(1005, "connections closed: login timeout"),
    /** Connections closed when accepted: their source address had the most connections it may have. */
    CONNECTIONS_REFUSED_SOURCE(1006, "connections refused: per-source limit"),
    /** Connections closed when accepted: the target had the most connections it may have. */
    CONNECTIONS_REFUSED_TOTAL(1007, "connections refused: total limit"),
    PDUS_RECEIVED(1020, "PDUs received"),
    SCSI_COMMANDS(1021, "SCSI commands received"),
    PROTOCOL_ERRORS(1022, "protocol errors that closed a connection"),
    HEADER_DIGEST_ERRORS(1023, "header digest errors"),
    DATA_DIGEST_ERRORS(1024, "data digest errors"),
    CMDSN_OUT_OF_WINDOW(1025, "commands ignored: CmdSN outside the window"),
    CMDSN_DUPLICATES(1026, "commands ignored: duplicate CmdSN"),
    /** SCSI commands that came after a gap in the CmdSN sequence and waited for it to fill (RFC 7143 4.2.2.1). */
    CMDSN_HELD(1029, "commands held until an earlier CmdSN arrived"),
    /** SCSI commands received with the ORDERED task attribute (or a reserved one, taken as ORDERED). */
    TASKS_ORDERED(1031, "commands received with the ORDERED task attribute"),
    /** SCSI commands received with the HEAD OF QUEUE task attribute. */
    TASKS_HEAD_OF_QUEUE(1032, "commands received with the HEAD OF QUEUE task attribute"),
    /** SCSI commands received with the ACA task attribute: refused, there is no ACA condition (NACA is not offered). */
    TASKS_ACA(1033, "commands refused: ACA task attribute"),
    /** Commands that waited, dormant in their task set, for an older task as their task attribute asks (SAM-5 8.6). */
    TASKS_DORMANT(1034, "commands that waited for an older task by their task attribute"),
    DATA_OUT_IGNORED(1027, "Data-Out PDUs ignored: task ended"),
    DATA_PHASE_ERRORS(1028, "commands failed: Data-Out out of sequence"),
    REJECTS_SENT(1030, "Reject PDUs sent"),
    NOP_IN_PINGS(1040, "NOP-In pings sent"),
    NOP_IN_TIMEOUTS(1041, "connections closed: no answer to a NOP-In ping"),
    TASK_MANAGEMENT_REQUESTS(1050, "task management requests"),
    TASKS_ABORTED(1051, "tasks aborted by task management"),
    /**
     * Task management responses held back until the backstore I/O of the tasks they aborted had ended (the response
     * fence): a count that keeps growing, with sessions timing out, points at a backstore that does not complete.
     */
    TASK_MANAGEMENT_RESPONSES_FENCED(1052, "task management responses held until aborted I/O ended"),
    /** Commands that found the registered buffers and the spill region full: each allocated a buffer of its own. */
    DEDICATED_BUFFERS(1060, "commands given a dedicated (unpooled) buffer"),
    /**
     * Commands that found the loop's registered buffers (small pool and region) full and took the spill region's
     * memory (unregistered) or, with that full too, a dedicated buffer ({@link #DEDICATED_BUFFERS}).
     */
    BUFFER_POOL_EXHAUSTED(1062, "commands that found the registered buffers in use"),
    SEND_QUEUE_OVERFLOWS(1061, "connections closed: send queue overflow"),
    /** Immediate and Data-Out data the kernel received straight into the commands' buffers (a sum of bytes). */
    WRITE_DATA_PLACED_BYTES(1070, "write data bytes received straight into command buffers"),
    /** Immediate and Data-Out data copied from the receive buffer into the commands' buffers (a sum of bytes). */
    WRITE_DATA_COPIED_BYTES(1071, "write data bytes copied from the receive buffer"),
    /**
     * WRITE data that came whole with its command to a RAM LUN and went from the receive buffer straight into the LUN,
     * with no command buffer (a sum of bytes).
     */
    WRITE_DATA_UNBUFFERED_BYTES(1072, "write data bytes copied from the receive buffer straight into a RAM LUN"),
    /**
     * Receives that waited a moment, so that an initiator keeping many commands in flight has its next ones taken and
     * answered as a batch (receive coalescing, engine.receiveCoalescingMicros).
     */
    RECEIVES_COALESCED(1080, "receives delayed to take a deep queue's commands in batches"),
    /**
     * Sends that waited a moment on a loop saturated by several initiators, so that a connection's ready responses
     * left with those of its next commands (engine.receiveCoalescingMicros).
     */
    RESPONSES_HELD(1081, "sends of responses held for the initiator's next commands");

    private final int typeId;
    private final String label;

    IscsiCounter(final int typeId, final String label)
    {
        this.typeId = typeId;
        this.label = label;
    }

    public int typeId()
    {
        return typeId;
    }

    public String label()
    {
        return label;
    }
}
