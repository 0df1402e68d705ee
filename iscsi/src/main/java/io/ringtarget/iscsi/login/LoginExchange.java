package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.node.ChapAlgorithm;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.session.Session;
import io.ringtarget.iscsi.session.SessionConnection;
import io.ringtarget.iscsi.session.SessionRegistry;
import io.ringtarget.iscsi.transport.PduSender;
import io.ringtarget.pdu.LoginRequestPdu;
import io.ringtarget.pdu.LoginResponsePdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.TextAccumulator;
import io.ringtarget.pdu.TextKeyReader;
import io.ringtarget.pdu.TextKeyWriter;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * The login phase of one connection at the PDU level (RFC 7143 sections 6.3, 11.12, 11.13): gathers the text of
 * Login Requests continued with the C bit, hands each whole request to the {@link LoginStateMachine}, and answers
 * with a Login Response whose text the state machine wrote. A completed login creates (or reinstates) the session.
 * Used once per connection and then dropped, so its buffers are plain heap memory.
 */
public final class LoginExchange
{
    /** A response was sent; the login goes on. */
    public static final int CONTINUE = 0;
    /** The final response was sent and the session exists: the connection is in Full Feature Phase. */
    public static final int COMPLETE = 1;
    /** A failure response was sent ({@link #status()}, {@link #reason()}): close the connection once it is sent. */
    public static final int FAILED = 2;
    /**
     * Refused by a lockout ({@link LoginThrottle}): nothing is sent yet; {@link #sendDeferredFailure()} sends the
     * failure once the connection's delay has passed, and the connection then closes as after {@link #FAILED}.
     */
    public static final int DEFERRED = 3;
    /**
     * The login is complete but reinstates a session whose backstore I/O has not ended: the final response waits
     * ({@link #completeIfReady()}), as RFC 7143 6.3.5 has the old session's tasks end before the new one goes on.
     */
    public static final int WAITING = 4;

    /** Login text gathered over continued requests: RFC 7143 6.1 asks for at least 8192 bytes. */
    public static final int MAX_REQUEST_TEXT = 64 * 1024;
    /** Our response text: what the initiator can receive during login (MaxRecvDataSegmentLength default, 13.12). */
    public static final int MAX_RESPONSE_TEXT = 8192;

    private final LoginRequestPdu request = new LoginRequestPdu();
    private final LoginResponsePdu response = new LoginResponsePdu();
    /** Real initiators' login texts fit in 1 KiB; the buffer grows as a longer one arrives. */
    private final TextAccumulator requestText = new TextAccumulator(1024, MAX_REQUEST_TEXT);
    private MemorySegment responseText;
    private final TextKeyReader reader = new TextKeyReader();
    private final TextKeyWriter writer = new TextKeyWriter();
    private final LoginStateMachine.LoginResult result = new LoginStateMachine.LoginResult();
    private final LoginStateMachine machine;
    private final SessionRegistry sessions;
    private final SessionConnection owner;
    private final PduSender sender;
    private final StatSn statSn;
    private final CmdSnWindow window;

    private boolean started;
    private long isid;
    private int tsih;
    private Session session;
    private boolean waiting;
    private int waitingCsg;
    private int waitingTextLength;
    private int status;
    private String reason;

    public LoginExchange(
        final LoginStateMachine machine, final SessionRegistry sessions, final SessionConnection owner,
        final PduSender sender, final StatSn statSn, final CmdSnWindow window)
    {
        this.machine = machine;
        this.sessions = sessions;
        this.owner = owner;
        this.sender = sender;
        this.statSn = statSn;
        this.window = window;
    }

    /**
     * A Login Request: its BHS at {@code offset} of {@code from}, its text at {@code dataOffset}.
     *
     * @return {@link #CONTINUE}, {@link #COMPLETE} or {@link #FAILED}.
     */
    public int onLoginRequest(final MemorySegment from, final long offset, final long dataOffset, final int dataLength)
    {
        request.wrap(from, offset);
        if (waiting)
        {
            return fail(LoginStatus.INITIATOR_ERROR, "a Login Request while the final response waits");
        }
        if (!started)
        {
            // The leading request sets the numbering (RFC 7143 11.12.7): StatSN starts at its ExpStatSN, and its
            // CmdSN is the first command's, since login requests are immediate.
            started = true;
            isid = request.isid();
            tsih = request.tsih();
            statSn.reset(request.expStatSn());
            window.reset(request.cmdSn());
        }
        if (!requestText.append(from, dataOffset, dataLength))
        {
            return fail(LoginStatus.OUT_OF_RESOURCES, "login text longer than " + MAX_REQUEST_TEXT + " bytes");
        }
        final int csg = request.csg();
        if (request.continueBit())
        {
            // RFC 7143 section 11.12.2: each continued request is answered by an empty response in the same stage.
            respond(false, csg, csg, LoginStatus.SUCCESS, 0);
            return CONTINUE;
        }
        if (tsih != 0)
        {
            // Adding a connection to an existing session: we negotiate MaxConnections=1.
            return fail(sessions.find(tsih) == null ? LoginStatus.SESSION_DOES_NOT_EXIST :
                LoginStatus.TOO_MANY_CONNECTIONS, "TSIH " + tsih + " in a leading login");
        }
        if (!requestText.terminate())
        {
            return fail(LoginStatus.OUT_OF_RESOURCES, "login text longer than " + MAX_REQUEST_TEXT + " bytes");
        }
        requestText.reader(reader);
        if (responseText == null)
        {
            responseText = MemorySegment.ofArray(new byte[MAX_RESPONSE_TEXT]);   // not before a whole request came
        }
        writer.wrap(responseText, 0, MAX_RESPONSE_TEXT);
        machine.onLoginRequest(request.transit(), csg, request.nsg(), request.versionMax(), request.versionMin(),
            reader, writer, result);
        requestText.reset();
        if (result.throttled != LoginThrottle.ADMITTED)
        {
            status = result.status;
            reason = result.reason;
            return DEFERRED;
        }
        if (result.failed())
        {
            return fail(result.status, result.reason);
        }
        if (result.complete)
        {
            final SessionParameters params = machine.parameters();
            session = sessions.create(params.initiatorName, isid, params.targetName, params.discovery,
                machine.portalGroup(), owner);
            if (session == null)
            {
                return fail(LoginStatus.OUT_OF_RESOURCES, "session limit reached (" + sessions.limitReached(
                    params.initiatorName, params.targetName) + ")");
            }
            if (!session.readyToServe())
            {
                waiting = true;
                waitingCsg = csg;
                waitingTextLength = writer.length();
                return WAITING;
            }
            respond(true, csg, LoginRequestPdu.FULL_FEATURE_PHASE, LoginStatus.SUCCESS, writer.length());
            return COMPLETE;
        }
        respond(result.transit, csg, result.nsg, LoginStatus.SUCCESS, writer.length());
        return CONTINUE;
    }

    /**
     * A {@link #WAITING} login whose reinstated session's I/O has ended gets its final response now.
     *
     * @return true when it was sent (the login is complete), false while it still waits.
     */
    public boolean completeIfReady()
    {
        if (!waiting || !session.readyToServe())
        {
            return false;
        }
        waiting = false;
        respond(true, waitingCsg, LoginRequestPdu.FULL_FEATURE_PHASE, LoginStatus.SUCCESS, waitingTextLength);
        return true;
    }

    /** Whether the final response waits for a reinstated session's I/O to end. */
    public boolean waiting()
    {
        return waiting;
    }

    /** Sends the failure of a {@link #DEFERRED} login; the connection closes once it is sent. */
    public void sendDeferredFailure()
    {
        respond(false, request.csg(), request.nsg(), status, 0);
    }

    /** {@link LoginThrottle#LOCKED_INITIATOR} or {@code LOCKED_SOURCE}: the lockout that refused this login. */
    public int throttled()
    {
        return result.throttled;
    }

    /** {@link LoginThrottle#LOCKED_INITIATOR} or {@code LOCKED_SOURCE} when this login's failure began a lockout. */
    public int lockoutBegan()
    {
        return result.lockoutBegan;
    }

    /** The CHAP algorithm the login used, or null (for the log). */
    public ChapAlgorithm chapAlgorithm()
    {
        return machine.chapAlgorithm();
    }

    /** How the completed login authenticated: "None", "CHAP SHA256", "CHAP SHA256, mutual". */
    public String authentication()
    {
        return machine.authentication();
    }

    public Session session()
    {
        return session;
    }

    public SessionParameters parameters()
    {
        return machine.parameters();
    }

    public PortalGroup portalGroup()
    {
        return machine.portalGroup();
    }

    /** Declarative keys the initiator repeated with the same value (tolerated; logged at debug). */
    public Set<String> repeatedDeclarations()
    {
        return machine.repeatedDeclarations();
    }

    /** The target the login named, when it is one of ours (null before TargetName, for discovery, or unknown). */
    public TargetNode targetNode()
    {
        return machine.targetNode();
    }

    /** The Status-Class/Detail of a failed login (RFC 7143 11.13.5). */
    public int status()
    {
        return status;
    }

    /** Why the login failed, for the log. */
    public String reason()
    {
        return reason;
    }

    private int fail(final int status, final String reason)
    {
        this.status = status;
        this.reason = reason;
        respond(false, request.csg(), request.nsg(), status, 0);
        return FAILED;
    }

    private void respond(final boolean transit, final int csg, final int nsg, final int status, final int textLength)
    {
        final long h = sender.stage(textLength);
        if (h < 0)
        {
            return;
        }
        final boolean toFullFeature = status == LoginStatus.SUCCESS && session != null && transit &&
            nsg == LoginRequestPdu.FULL_FEATURE_PHASE;
        response.wrap(sender.staging(), h).reset(Opcode.LOGIN_RESPONSE)
            .transit(transit).csg(csg).nsg(transit ? nsg : 0)
            .versionMax(0).versionActive(0)
            .isid(isid).tsih(toFullFeature ? session.tsih() : 0)
            .initiatorTaskTag(request.initiatorTaskTag())
            .statSn(statSn.take())
            .expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn())
            .status(status)
            .dataSegmentLength(textLength);
        if (textLength > 0)
        {
            MemorySegment.copy(responseText, 0, sender.staging(), sender.dataSegmentOffset(h), textLength);
        }
        sender.queue(h, textLength, PduSender.NO_TAG);
    }
}
