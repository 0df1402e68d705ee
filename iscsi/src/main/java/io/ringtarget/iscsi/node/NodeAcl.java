package io.ringtarget.iscsi.node;

/** A node ACL of a TPG: the initiator admitted and its CHAP credentials, or null when it has none. */
public record NodeAcl(String initiatorName, ChapCredentials chap)
{
}
