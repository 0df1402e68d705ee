package io.ringtarget.server.config;

/**
 * CHAP credentials (RFC 7143 section 12.1.3). {@code userid}/{@code password}: what the initiator must prove.
 * {@code mutualUserid}/{@code mutualPassword}: what the target answers with when the initiator asks for mutual
 * CHAP; blank when mutual CHAP is not configured.
 */
public record ChapConfig(String userid, String password, String mutualUserid, String mutualPassword)
{
}
