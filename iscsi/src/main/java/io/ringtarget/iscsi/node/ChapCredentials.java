package io.ringtarget.iscsi.node;

/**
 * CHAP secrets (RFC 7143 section 12.1.3): {@code userid}/{@code password} are what the initiator must prove;
 * {@code mutualUserid}/{@code mutualPassword} what the target answers with when the initiator asks for mutual
 * CHAP (null or blank when mutual CHAP is not configured). {@link #toString()} never shows a secret.
 */
public record ChapCredentials(String userid, String password, String mutualUserid, String mutualPassword)
{
    public boolean complete()
    {
        return userid != null && password != null;
    }

    public boolean mutualConfigured()
    {
        return mutualUserid != null && !mutualUserid.isEmpty() && mutualPassword != null && !mutualPassword.isEmpty();
    }

    @Override
    public String toString()
    {
        return "ChapCredentials[userid=" + userid + ", mutualUserid=" + mutualUserid + "]";
    }
}
