package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.LoginResponsePdu;

/**
 * Login Response Status-Class and Status-Detail pairs (RFC 7143 section 11.13.5) as one 16-bit value, named
 * for the login state machine; the values are the PDU layer's.
 */
public final class LoginStatus
{
    public static final int SUCCESS = LoginResponsePdu.SUCCESS;
    public static final int INITIATOR_ERROR = LoginResponsePdu.INITIATOR_ERROR;
    public static final int AUTHENTICATION_FAILURE = LoginResponsePdu.AUTHENTICATION_FAILURE;
    public static final int AUTHORIZATION_FAILURE = LoginResponsePdu.AUTHORIZATION_FAILURE;
    public static final int NOT_FOUND = LoginResponsePdu.NOT_FOUND;
    public static final int UNSUPPORTED_VERSION = LoginResponsePdu.UNSUPPORTED_VERSION;
    public static final int TOO_MANY_CONNECTIONS = LoginResponsePdu.TOO_MANY_CONNECTIONS;
    public static final int MISSING_PARAMETER = LoginResponsePdu.MISSING_PARAMETER;
    public static final int SESSION_TYPE_NOT_SUPPORTED = LoginResponsePdu.SESSION_TYPE_NOT_SUPPORTED;
    public static final int SESSION_DOES_NOT_EXIST = LoginResponsePdu.SESSION_DOES_NOT_EXIST;
    public static final int OUT_OF_RESOURCES = LoginResponsePdu.OUT_OF_RESOURCES;
    public static final int SERVICE_UNAVAILABLE = LoginResponsePdu.SERVICE_UNAVAILABLE;

    private LoginStatus()
    {
    }

    /** For the log: what an administrator reads when a login is refused. */
    public static String describe(final int status)
    {
        return switch (status)
        {
            case LoginResponsePdu.SUCCESS -> "success";
            case LoginResponsePdu.INITIATOR_ERROR -> "initiator error";
            case LoginResponsePdu.AUTHENTICATION_FAILURE -> "authentication failure";
            case LoginResponsePdu.AUTHORIZATION_FAILURE -> "authorization failure";
            case LoginResponsePdu.NOT_FOUND -> "target not found";
            case LoginResponsePdu.UNSUPPORTED_VERSION -> "unsupported version";
            case LoginResponsePdu.TOO_MANY_CONNECTIONS -> "too many connections";
            case LoginResponsePdu.MISSING_PARAMETER -> "missing parameter";
            case LoginResponsePdu.SESSION_TYPE_NOT_SUPPORTED -> "session type not supported";
            case LoginResponsePdu.SESSION_DOES_NOT_EXIST -> "session does not exist";
            case LoginResponsePdu.OUT_OF_RESOURCES -> "out of resources";
            case LoginResponsePdu.SERVICE_UNAVAILABLE -> "service unavailable";
            default -> String.format("status 0x%04x", status);
        };
    }

    /** The counter a failed login with this status goes to. */
    public static IscsiCounter failureCounter(final int status)
    {
        return switch (status)
        {
            case AUTHENTICATION_FAILURE -> IscsiCounter.LOGINS_AUTHENTICATION_FAILED;
            case AUTHORIZATION_FAILURE -> IscsiCounter.LOGINS_AUTHORIZATION_FAILED;
            case NOT_FOUND -> IscsiCounter.LOGINS_TARGET_NOT_FOUND;
            default -> IscsiCounter.LOGINS_FAILED_OTHER;
        };
    }
}
