package io.ringtarget.bench.harness;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Samples a running JVM (the target under benchmark) from outside: bytes allocated by its threads, GC pauses
 * and process CPU time, so the harness can compute allocated bytes per I/O and GCs during a run.
 * <p>
 * Attaches through the Attach API and the JVM's local JMX agent, so the target needs no flags. Each line read
 * from stdin makes one sample, printed as one line:
 * <pre>
 *   allocBytes=N gcCount=N gcTimeMs=N cpuNs=N threads=N scrapeAllocBytes=N
 * </pre>
 * {@code allocBytes} sums {@code ThreadMXBean.getThreadAllocatedBytes} over live threads except the ones the
 * sampling itself runs on (RMI, JMX, Attach Listener), whose allocation would otherwise be charged to the target.
 * {@code scrapeAllocBytes} is the part of it allocated by the threads that answer metrics scrapes (ringtarget's
 * {@code ringtarget-metrics} and the JDK HTTP server's {@code HTTP-Dispatcher}): per scrape, not per I/O.
 * {@code gcCount}/{@code gcTimeMs} sum the collectors that pause (G1 Young/Old, not "G1 Concurrent GC").
 * <p>
 * A line {@code gc} instead asks the JVM for a collection ({@code MemoryMXBean.gc}, System.gc's) and is answered
 * {@code gc} once it is done. The harness asks halfway through fio's ramp, outside the window: the sampling itself
 * allocates in the target (about 11 MB when the JMX agent starts, about 123 KB per sample, over RMI; 2026-12-07), and
 * so do fio's logins, so without it a run's young pause comes whenever the garbage of earlier runs fills the eden,
 * whichever window it falls in. After it, a pause inside a window means the window itself allocated an eden's worth.
 * <p>
 * Usage: {@code java -cp ... io.ringtarget.bench.harness.JvmSampler PID}. Runs until stdin closes.
 */
public final class JvmSampler
{
    private final ThreadMXBean threads;
    private final List<GarbageCollectorMXBean> collectors;
    private final com.sun.management.OperatingSystemMXBean os;
    private final MemoryMXBean memory;

    private JvmSampler(final MBeanServerConnection connection) throws Exception
    {
        threads = ManagementFactory.newPlatformMXBeanProxy(
            connection, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        collectors = ManagementFactory.getPlatformMXBeans(connection, GarbageCollectorMXBean.class);
        os = ManagementFactory.newPlatformMXBeanProxy(
            connection, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME, com.sun.management.OperatingSystemMXBean.class);
        memory = ManagementFactory.newPlatformMXBeanProxy(
            connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    }

    /**
     * Attaches to the JVM with process id {@code args[0]} and answers one sample per stdin line (a collection per
     * line {@code gc}).
     *
     * @param args the target JVM's process id.
     * @throws Exception when the JVM cannot be attached to.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length != 1)
        {
            System.err.println("usage: JvmSampler PID");
            System.exit(2);
        }
        final VirtualMachine vm = VirtualMachine.attach(args[0]);
        final String address = vm.startLocalManagementAgent();
        vm.detach();
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address)))
        {
            final JvmSampler sampler = new JvmSampler(connector.getMBeanServerConnection());
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("ready");
            System.out.flush();
            String line;
            while ((line = in.readLine()) != null)
            {
                if ("gc".equals(line.trim()))
                {
                    sampler.memory.gc();
                    System.out.println("gc");
                }
                else
                {
                    System.out.println(sampler.sample());
                }
                System.out.flush();
            }
        }
    }

    private String sample()
    {
        final long[] ids = threads.getAllThreadIds();
        final ThreadInfo[] infos = threads.getThreadInfo(ids);
        final long[] allocated = threads.getThreadAllocatedBytes(ids);
        long allocBytes = 0;
        long scrapeAllocBytes = 0;
        int counted = 0;
        for (int i = 0; i < ids.length; i++)
        {
            if (null != infos[i] && allocated[i] > 0 && !isSamplingThread(infos[i].getThreadName()))
            {
                allocBytes += allocated[i];
                counted++;
                if (isScrapeThread(infos[i].getThreadName()))
                {
                    scrapeAllocBytes += allocated[i];
                }
            }
        }

        long gcCount = 0;
        long gcTimeMs = 0;
        for (final GarbageCollectorMXBean collector : collectors)
        {
            // G1's "G1 Concurrent GC" bean counts concurrent cycles, which run beside the application, not pauses.
            if (!collector.getName().contains("Concurrent"))
            {
                gcCount += Math.max(0, collector.getCollectionCount());
                gcTimeMs += Math.max(0, collector.getCollectionTime());
            }
        }

        return "allocBytes=" + allocBytes + " gcCount=" + gcCount + " gcTimeMs=" + gcTimeMs +
            " cpuNs=" + os.getProcessCpuTime() + " threads=" + counted + " scrapeAllocBytes=" + scrapeAllocBytes;
    }

    private static boolean isScrapeThread(final String name)
    {
        return name.startsWith("ringtarget-metrics") || name.equals("HTTP-Dispatcher");
    }

    private static boolean isSamplingThread(final String name)
    {
        return name.startsWith("RMI ") || name.startsWith("JMX ") || name.equals("Attach Listener");
    }
}
