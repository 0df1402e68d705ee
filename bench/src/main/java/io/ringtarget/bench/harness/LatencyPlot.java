package io.ringtarget.bench.harness;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * Builds HdrHistograms from fio per-I/O latency logs ({@code --write_lat_log} with {@code --log_avg_msec=0})
 * and draws the classic percentile-distribution plot comparing several targets, as a PNG (java.awt, headless).
 * <p>
 * fio log lines are {@code time_ms, latency_ns, direction, block_size, offset[, priority]}; with
 * {@code --ramp_time} fio only logs I/Os after the ramp.
 * <p>
 * Usage:
 * <pre>
 *   LatencyPlot --png OUT.png [--title TITLE] [--hgrm-dir DIR] LABEL=LOG[,LOG...] ...
 * </pre>
 * For each series it writes {@code DIR/LABEL.hgrm} (HdrHistogram's percentile distribution in microseconds)
 * and prints {@code LABEL count=N mean_us=X p50_us=X p99_us=X p99.9_us=X max_us=X}.
 */
public final class LatencyPlot
{
    /** Latencies above one minute are not credible for a loopback iSCSI I/O; they are clamped, not dropped. */
    private static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final double NS_PER_US = 1000.0;

    private static final int WIDTH = 1100;
    private static final int HEIGHT = 650;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] COLOURS =
    {
        new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C),
        new Color(0xFF, 0x7F, 0x0E), new Color(0x94, 0x67, 0xBD), new Color(0x8C, 0x56, 0x4B)
    };

    private LatencyPlot()
    {
    }

    /**
     * A labelled histogram.
     *
     * @param label     the series name (target).
     * @param histogram its latencies in nanoseconds.
     */
    record Series(String label, Histogram histogram)
    {
    }

    /**
     * Entry point; see the class comment for the arguments.
     *
     * @param args the command line.
     * @throws IOException when a log cannot be read or an output cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        Path png = null;
        Path hgrmDir = null;
        String title = "Completion latency by percentile";
        final List<Series> series = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--png" -> png = Path.of(args[++i]);
                case "--hgrm-dir" -> hgrmDir = Path.of(args[++i]);
                case "--title" -> title = args[++i];
                default ->
                {
                    final int eq = args[i].indexOf('=');
                    if (eq <= 0)
                    {
                        usage("bad series " + args[i]);
                    }
                    final Histogram histogram = newHistogram();
                    for (final String log : args[i].substring(eq + 1).split(","))
                    {
                        if (!log.isEmpty())
                        {
                            readFioLog(Path.of(log), histogram);
                        }
                    }
                    series.add(new Series(args[i].substring(0, eq), histogram));
                }
            }
        }
        if (null == png || series.isEmpty())
        {
            usage("need --png and at least one series");
        }

        for (final Series s : series)
        {
            System.out.println(summary(s));
            if (null != hgrmDir && s.histogram().getTotalCount() > 0)
            {
                Files.createDirectories(hgrmDir);
                try (PrintStream out = new PrintStream(
                    hgrmDir.resolve(s.label() + ".hgrm").toFile(), StandardCharsets.UTF_8))
                {
                    s.histogram().outputPercentileDistribution(out, NS_PER_US);
                }
            }
        }
        final Path parent = png.toAbsolutePath().getParent();
        if (null != parent)
        {
            Files.createDirectories(parent);
        }
        ImageIO.write(render(title, series), "png", png.toFile());
    }

    static Histogram newHistogram()
    {
        return new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Adds every latency of one fio log to a histogram.
     *
     * @param log       a fio latency log (clat or lat), values in nanoseconds.
     * @param histogram where to record them.
     * @return the number of values read.
     * @throws IOException when the log cannot be read or a line is malformed.
     */
    static long readFioLog(final Path log, final Histogram histogram) throws IOException
    {
        long count = 0;
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.US_ASCII))
        {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null)
            {
                lineNo++;
                final int first = line.indexOf(',');
                final int second = first < 0 ? -1 : line.indexOf(',', first + 1);
                if (second < 0)
                {
                    if (line.isBlank())
                    {
                        continue;
                    }
                    throw new IOException(log + ":" + lineNo + ": not a fio latency log line: " + line);
                }
                final long ns = Long.parseLong(line.substring(first + 1, second).trim());
                histogram.recordValue(Math.min(Math.max(ns, 0), HIGHEST_TRACKABLE_NS));
                count++;
            }
        }
        return count;
    }

    static String summary(final Series s)
    {
        final Histogram h = s.histogram();
        return String.format(Locale.ROOT, "%s count=%d mean_us=%.2f p50_us=%.2f p99_us=%.2f p99.9_us=%.2f max_us=%.2f",
            s.label(), h.getTotalCount(), h.getMean() / NS_PER_US,
            h.getValueAtPercentile(50.0) / NS_PER_US, h.getValueAtPercentile(99.0) / NS_PER_US,
            h.getValueAtPercentile(99.9) / NS_PER_US, h.getMaxValue() / NS_PER_US);
    }

    /**
     * Draws latency (log scale, microseconds) against percentile on the usual 1/(1-p) log axis, so the tail
     * (99%, 99.9%, 99.99%) gets as much room as the median.
     */
    static BufferedImage render(final String title, final List<Series> series)
    {
        long maxCount = 1;
        double minUs = Double.MAX_VALUE;
        double maxUs = 0;
        for (final Series s : series)
        {
            final Histogram h = s.histogram();
            if (h.getTotalCount() > 0)
            {
                maxCount = Math.max(maxCount, h.getTotalCount());
                minUs = Math.min(minUs, h.getMinValue() / NS_PER_US);
                maxUs = Math.max(maxUs, h.getMaxValue() / NS_PER_US);
            }
        }
        if (maxUs == 0)
        {
            minUs = 1;
            maxUs = 10;
        }
        // x spans as many nines as the largest sample supports (a percentile beyond 1 - 1/count is the max).
        final double xMax = Math.max(2, Math.ceil(Math.log10(maxCount)));
        final double yMin = Math.floor(Math.log10(Math.max(minUs, 0.1)));
        final double yMax = Math.max(yMin + 1, Math.ceil(Math.log10(maxUs)));

        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        final int plotW = WIDTH - LEFT - RIGHT;
        final int plotH = HEIGHT - TOP - BOTTOM;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        // Grid: one vertical line per nine, decades (1, 2, 5) on the latency axis.
        for (int nines = 0; nines <= xMax; nines++)
        {
            final int x = LEFT + (int)Math.round(plotW * nines / xMax);
            g.setColor(new Color(0xDD, 0xDD, 0xDD));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.setColor(Color.BLACK);
            final String label = percentileLabel(nines);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
        }
        for (int decade = (int)yMin; decade <= yMax; decade++)
        {
            for (final int m : new int[]{ 1, 2, 5 })
            {
                final double v = Math.log10(m) + decade;
                if (v < yMin || v > yMax)
                {
                    continue;
                }
                final int y = TOP + plotH - (int)Math.round(plotH * (v - yMin) / (yMax - yMin));
                g.setColor(m == 1 ? new Color(0xCC, 0xCC, 0xCC) : new Color(0xEE, 0xEE, 0xEE));
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.setColor(Color.BLACK);
                final String label = formatUs(Math.pow(10, v));
                g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
            }
        }
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString("percentile", LEFT + plotW / 2 - 30, HEIGHT - 20);
        g.rotate(-Math.PI / 2);
        g.drawString("completion latency (µs, log scale)", -(TOP + plotH / 2 + 100), 20);
        g.rotate(Math.PI / 2);

        int index = 0;
        for (final Series s : series)
        {
            final Color colour = COLOURS[index % COLOURS.length];
            final Histogram h = s.histogram();
            if (h.getTotalCount() > 0)
            {
                final Path2D.Double path = new Path2D.Double();
                boolean first = true;
                for (final HistogramIterationValue v : h.percentiles(5))
                {
                    final double p = v.getPercentileLevelIteratedTo() / 100.0;
                    final double xNines = p >= 1.0 ? xMax : Math.min(xMax, Math.log10(1.0 / (1.0 - p)));
                    final double us = Math.max(h.highestEquivalentValue(v.getValueIteratedTo()) / NS_PER_US, 0.1);
                    final double yLog = Math.min(Math.max(Math.log10(us), yMin), yMax);
                    final double x = LEFT + plotW * xNines / xMax;
                    final double y = TOP + plotH - plotH * (yLog - yMin) / (yMax - yMin);
                    if (first)
                    {
                        path.moveTo(x, y);
                        first = false;
                    }
                    else
                    {
                        path.lineTo(x, y);
                    }
                }
                g.setColor(colour);
                g.setStroke(new BasicStroke(2.0f));
                g.draw(path);
                g.setStroke(new BasicStroke(1.0f));
            }
            final int ly = TOP + 20 + index * 18;
            g.setColor(colour);
            g.fillRect(LEFT + 12, ly - 9, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%s (n=%d, p50 %s µs, p99.9 %s µs)", s.label(), h.getTotalCount(),
                formatUs(h.getValueAtPercentile(50.0) / NS_PER_US), formatUs(h.getValueAtPercentile(99.9) / NS_PER_US)),
                LEFT + 32, ly);
            index++;
        }
        g.dispose();
        return image;
    }

    private static String percentileLabel(final int nines)
    {
        // 0 -> 0%, 1 -> 90%, 2 -> 99%, 3 -> 99.9%, ...
        if (nines == 0)
        {
            return "0%";
        }
        if (nines == 1)
        {
            return "90%";
        }
        return nines == 2 ? "99%" : "99." + "9".repeat(nines - 2) + "%";
    }

    private static String formatUs(final double us)
    {
        if (us >= 100)
        {
            return String.format(Locale.ROOT, "%.0f", us);
        }
        return us >= 10 ? String.format(Locale.ROOT, "%.1f", us) : String.format(Locale.ROOT, "%.2f", us);
    }

    private static void usage(final String problem)
    {
        System.err.println("LatencyPlot: " + problem);
        System.err.println("usage: LatencyPlot --png OUT.png [--title TITLE] [--hgrm-dir DIR] LABEL=LOG[,LOG...] ...");
        System.exit(2);
    }
}
