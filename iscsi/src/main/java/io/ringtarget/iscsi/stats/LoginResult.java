package io.ringtarget.iscsi.stats;

import io.ringtarget.pdu.LoginResponsePdu;

/** The {@code result} label of {@code ringtarget_logins_total}, from a Login Response status (RFC 7143 11.13.5). */
public final class LoginResult
{
    public static final int SUCCESS = 0;
    public static final int AUTH_FAILURE = 1;
    public static final int AUTHORIZATION_FAILURE = 2;
    public static final int NOT_FOUND = 3;
    public static final int OTHER = 4;
    public static final int COUNT = 5;

    private static final String[] LABELS = { "success", "auth_failure", "authorization_failure", "not_found", "other" };

    private LoginResult()
    {
    }

    /** The result of a Login Response's Status-Class and Status-Detail. */
    public static int of(final int status)
    {
        return switch (status)
        {
            case LoginResponsePdu.SUCCESS -> SUCCESS;
            case LoginResponsePdu.AUTHENTICATION_FAILURE -> AUTH_FAILURE;
            case LoginResponsePdu.AUTHORIZATION_FAILURE -> AUTHORIZATION_FAILURE;
            case LoginResponsePdu.NOT_FOUND -> NOT_FOUND;
            default -> OTHER;
        };
    }

    public static String label(final int result)
    {
        return LABELS[result];
    }
}
