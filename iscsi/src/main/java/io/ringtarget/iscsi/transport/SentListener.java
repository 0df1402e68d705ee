package io.ringtarget.iscsi.transport;

/**
 * Told the tag of each queued PDU once it has gone to the socket, or was dropped because the connection closed
 * (see {@link PduSender}).
 */
public interface SentListener
{
    void onSent(int tag);
}
