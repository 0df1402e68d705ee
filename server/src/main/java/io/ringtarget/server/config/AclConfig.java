package io.ringtarget.server.config;

/** A node ACL: the initiator IQN admitted to the TPG and, when the TPG requires CHAP, its credentials. */
public record AclConfig(String initiatorIqn, ChapConfig chap)
{
}
