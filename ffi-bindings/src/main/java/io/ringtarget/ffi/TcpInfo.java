package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct tcp_info} from {@code <netinet/tcp.h>} (glibc's copy of the kernel's, up to
 * {@code tcpi_total_retrans}): what {@code getsockopt(fd, IPPROTO_TCP, TCP_INFO, ...)} fills in. The kernel writes
 * {@code min(optlen, sizeof its own struct)} bytes, so this prefix works on every kernel since 2.6. The {@code __u32}
 * fields are unsigned: read them with {@link Integer#toUnsignedLong}. Times ({@code tcpi_rtt}, {@code tcpi_rttvar},
 * {@code tcpi_rto}) are in microseconds; {@code tcpi_total_retrans} counts the segments retransmitted over the
 * connection's life, {@code tcpi_retrans} those retransmitted and not yet acknowledged.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class TcpInfo
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_BYTE.withName("tcpi_state"),
        ValueLayout.JAVA_BYTE.withName("tcpi_ca_state"),
        ValueLayout.JAVA_BYTE.withName("tcpi_retransmits"),
        ValueLayout.JAVA_BYTE.withName("tcpi_probes"),
        ValueLayout.JAVA_BYTE.withName("tcpi_backoff"),
        ValueLayout.JAVA_BYTE.withName("tcpi_options"),
        MemoryLayout.paddingLayout(2),   // tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4 (bit-fields, as jextract leaves them)
        ValueLayout.JAVA_INT.withName("tcpi_rto"),
        ValueLayout.JAVA_INT.withName("tcpi_ato"),
        ValueLayout.JAVA_INT.withName("tcpi_snd_mss"),
        ValueLayout.JAVA_INT.withName("tcpi_rcv_mss"),
        ValueLayout.JAVA_INT.withName("tcpi_unacked"),
        ValueLayout.JAVA_INT.withName("tcpi_sacked"),
        ValueLayout.JAVA_INT.withName("tcpi_lost"),
        ValueLayout.JAVA_INT.withName("tcpi_retrans"),
        ValueLayout.JAVA_INT.withName("tcpi_fackets"),
        ValueLayout.JAVA_INT.withName("tcpi_last_data_sent"),
        ValueLayout.JAVA_INT.withName("tcpi_last_ack_sent"),
        ValueLayout.JAVA_INT.withName("tcpi_last_data_recv"),
        ValueLayout.JAVA_INT.withName("tcpi_last_ack_recv"),
        ValueLayout.JAVA_INT.withName("tcpi_pmtu"),
        ValueLayout.JAVA_INT.withName("tcpi_rcv_ssthresh"),
        ValueLayout.JAVA_INT.withName("tcpi_rtt"),
        ValueLayout.JAVA_INT.withName("tcpi_rttvar"),
        ValueLayout.JAVA_INT.withName("tcpi_snd_ssthresh"),
        ValueLayout.JAVA_INT.withName("tcpi_snd_cwnd"),
        ValueLayout.JAVA_INT.withName("tcpi_advmss"),
        ValueLayout.JAVA_INT.withName("tcpi_reordering"),
        ValueLayout.JAVA_INT.withName("tcpi_rcv_rtt"),
        ValueLayout.JAVA_INT.withName("tcpi_rcv_space"),
        ValueLayout.JAVA_INT.withName("tcpi_total_retrans")
    ).withName("tcp_info");

    public static final long SIZEOF = 104;

    public static final long tcpi_state$OFFSET = 0;
    public static final long tcpi_ca_state$OFFSET = 1;
    public static final long tcpi_retransmits$OFFSET = 2;
    public static final long tcpi_probes$OFFSET = 3;
    public static final long tcpi_backoff$OFFSET = 4;
    public static final long tcpi_options$OFFSET = 5;
    public static final long tcpi_rto$OFFSET = 8;
    public static final long tcpi_ato$OFFSET = 12;
    public static final long tcpi_snd_mss$OFFSET = 16;
    public static final long tcpi_rcv_mss$OFFSET = 20;
    public static final long tcpi_unacked$OFFSET = 24;
    public static final long tcpi_sacked$OFFSET = 28;
    public static final long tcpi_lost$OFFSET = 32;
    public static final long tcpi_retrans$OFFSET = 36;
    public static final long tcpi_fackets$OFFSET = 40;
    public static final long tcpi_last_data_sent$OFFSET = 44;
    public static final long tcpi_last_ack_sent$OFFSET = 48;
    public static final long tcpi_last_data_recv$OFFSET = 52;
    public static final long tcpi_last_ack_recv$OFFSET = 56;
    public static final long tcpi_pmtu$OFFSET = 60;
    public static final long tcpi_rcv_ssthresh$OFFSET = 64;
    public static final long tcpi_rtt$OFFSET = 68;
    public static final long tcpi_rttvar$OFFSET = 72;
    public static final long tcpi_snd_ssthresh$OFFSET = 76;
    public static final long tcpi_snd_cwnd$OFFSET = 80;
    public static final long tcpi_advmss$OFFSET = 84;
    public static final long tcpi_reordering$OFFSET = 88;
    public static final long tcpi_rcv_rtt$OFFSET = 92;
    public static final long tcpi_rcv_space$OFFSET = 96;
    public static final long tcpi_total_retrans$OFFSET = 100;

    private TcpInfo()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static byte tcpi_state(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, tcpi_state$OFFSET);
    }

    public static void tcpi_state(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, tcpi_state$OFFSET, v);
    }

    public static byte tcpi_ca_state(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, tcpi_ca_state$OFFSET);
    }

    public static void tcpi_ca_state(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, tcpi_ca_state$OFFSET, v);
    }

    public static byte tcpi_retransmits(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, tcpi_retransmits$OFFSET);
    }

    public static void tcpi_retransmits(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, tcpi_retransmits$OFFSET, v);
    }

    public static byte tcpi_probes(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, tcpi_probes$OFFSET);
    }

    public static void tcpi_probes(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, tcpi_probes$OFFSET, v);
    }

    public static byte tcpi_backoff(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, tcpi_backoff$OFFSET);
    }

    public static void tcpi_backoff(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, tcpi_backoff$OFFSET, v);
    }

    public static byte tcpi_options(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, tcpi_options$OFFSET);
    }

    public static void tcpi_options(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, tcpi_options$OFFSET, v);
    }

    public static int tcpi_rto(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_rto$OFFSET);
    }

    public static void tcpi_rto(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_rto$OFFSET, v);
    }

    public static int tcpi_ato(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_ato$OFFSET);
    }

    public static void tcpi_ato(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_ato$OFFSET, v);
    }

    public static int tcpi_snd_mss(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_snd_mss$OFFSET);
    }

    public static void tcpi_snd_mss(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_snd_mss$OFFSET, v);
    }

    public static int tcpi_rcv_mss(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_rcv_mss$OFFSET);
    }

    public static void tcpi_rcv_mss(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_rcv_mss$OFFSET, v);
    }

    public static int tcpi_unacked(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_unacked$OFFSET);
    }

    public static void tcpi_unacked(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_unacked$OFFSET, v);
    }

    public static int tcpi_sacked(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_sacked$OFFSET);
    }

    public static void tcpi_sacked(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_sacked$OFFSET, v);
    }

    public static int tcpi_lost(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_lost$OFFSET);
    }

    public static void tcpi_lost(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_lost$OFFSET, v);
    }

    public static int tcpi_retrans(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_retrans$OFFSET);
    }

    public static void tcpi_retrans(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_retrans$OFFSET, v);
    }

    public static int tcpi_fackets(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_fackets$OFFSET);
    }

    public static void tcpi_fackets(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_fackets$OFFSET, v);
    }

    public static int tcpi_last_data_sent(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_last_data_sent$OFFSET);
    }

    public static void tcpi_last_data_sent(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_last_data_sent$OFFSET, v);
    }

    public static int tcpi_last_ack_sent(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_last_ack_sent$OFFSET);
    }

    public static void tcpi_last_ack_sent(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_last_ack_sent$OFFSET, v);
    }

    public static int tcpi_last_data_recv(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_last_data_recv$OFFSET);
    }

    public static void tcpi_last_data_recv(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_last_data_recv$OFFSET, v);
    }

    public static int tcpi_last_ack_recv(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_last_ack_recv$OFFSET);
    }

    public static void tcpi_last_ack_recv(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_last_ack_recv$OFFSET, v);
    }

    public static int tcpi_pmtu(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_pmtu$OFFSET);
    }

    public static void tcpi_pmtu(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_pmtu$OFFSET, v);
    }

    public static int tcpi_rcv_ssthresh(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_rcv_ssthresh$OFFSET);
    }

    public static void tcpi_rcv_ssthresh(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_rcv_ssthresh$OFFSET, v);
    }

    public static int tcpi_rtt(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_rtt$OFFSET);
    }

    public static void tcpi_rtt(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_rtt$OFFSET, v);
    }

    public static int tcpi_rttvar(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_rttvar$OFFSET);
    }

    public static void tcpi_rttvar(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_rttvar$OFFSET, v);
    }

    public static int tcpi_snd_ssthresh(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_snd_ssthresh$OFFSET);
    }

    public static void tcpi_snd_ssthresh(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_snd_ssthresh$OFFSET, v);
    }

    public static int tcpi_snd_cwnd(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_snd_cwnd$OFFSET);
    }

    public static void tcpi_snd_cwnd(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_snd_cwnd$OFFSET, v);
    }

    public static int tcpi_advmss(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_advmss$OFFSET);
    }

    public static void tcpi_advmss(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_advmss$OFFSET, v);
    }

    public static int tcpi_reordering(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_reordering$OFFSET);
    }

    public static void tcpi_reordering(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_reordering$OFFSET, v);
    }

    public static int tcpi_rcv_rtt(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_rcv_rtt$OFFSET);
    }

    public static void tcpi_rcv_rtt(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_rcv_rtt$OFFSET, v);
    }

    public static int tcpi_rcv_space(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_rcv_space$OFFSET);
    }

    public static void tcpi_rcv_space(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_rcv_space$OFFSET, v);
    }

    public static int tcpi_total_retrans(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tcpi_total_retrans$OFFSET);
    }

    public static void tcpi_total_retrans(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tcpi_total_retrans$OFFSET, v);
    }
}
