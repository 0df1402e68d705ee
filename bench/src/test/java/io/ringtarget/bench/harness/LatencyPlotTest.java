package io.ringtarget.bench.harness;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyPlotTest
{
    @TempDir
    Path dir;

    @Test
    void readsEveryLatencyOfAFioLogInNanoseconds() throws IOException
    {
        // fio 3.x latency log lines: time_ms, value_ns, direction, block_size, offset (priority since 3.2x).
        final StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 1000; i++)
        {
            log.append(i / 10).append(", ").append(i * 1000L).append(", 0, 4096, ").append(i * 4096L).append('\n');
        }
        log.append("1000, 5000000, 1, 4096, 0, 0\n");
        final Path file = dir.resolve("x_clat.1.log");
        Files.writeString(file, log.toString(), StandardCharsets.US_ASCII);

        final Histogram h = LatencyPlot.newHistogram();
        assertEquals(1001, LatencyPlot.readFioLog(file, h));
        assertEquals(1001, h.getTotalCount());
        assertTrue(h.valuesAreEquivalent(1_000, h.getMinValue()));
        assertTrue(h.valuesAreEquivalent(5_000_000, h.getMaxValue()));
        // The median of 1 µs, 2 µs, ... 1000 µs and one 5 ms outlier is the 501st value.
        assertTrue(h.valuesAreEquivalent(501_000, h.getValueAtPercentile(50.0)), "p50 " + h.getValueAtPercentile(50));
    }

    @Test
    void refusesALineThatIsNotALatencyLogLine() throws IOException
    {
        final Path file = dir.resolve("bad.log");
        Files.writeString(file, "0, 1000, 0, 4096, 0\nnot a log line\n", StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> LatencyPlot.readFioLog(file, LatencyPlot.newHistogram()));
    }

    @Test
    void writesThePngAndOneHgrmPerSeries() throws IOException
    {
        final Path fast = dir.resolve("fast.log");
        final Path slow = dir.resolve("slow.log");
        final StringBuilder a = new StringBuilder();
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            a.append("0, ").append(10_000 + i).append(", 0, 4096, 0\n");
            b.append("0, ").append(100_000 + 10L * i).append(", 0, 4096, 0\n");
        }
        Files.writeString(fast, a.toString(), StandardCharsets.US_ASCII);
        Files.writeString(slow, b.toString(), StandardCharsets.US_ASCII);
        final Path png = dir.resolve("out/plot.png");
        final Path hgrm = dir.resolve("hgrm");

        LatencyPlot.main(new String[]{ "--png", png.toString(), "--hgrm-dir", hgrm.toString(), "--title", "t",
            "fast=" + fast, "slow=" + slow });

        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1100, image.getWidth());
        assertEquals(650, image.getHeight());
        assertTrue(Files.readString(hgrm.resolve("fast.hgrm")).contains("#[Mean    ="));
        assertTrue(Files.readString(hgrm.resolve("slow.hgrm")).contains("#[Mean    ="));
    }

    @Test
    void drawsEachSeriesInItsOwnColour()
    {
        final Histogram fast = LatencyPlot.newHistogram();
        final Histogram slow = LatencyPlot.newHistogram();
        for (int i = 0; i < 1000; i++)
        {
            fast.recordValue(10_000 + i);
            slow.recordValue(1_000_000 + 100L * i);
        }
        final BufferedImage image = LatencyPlot.render("t", List.of(
            new LatencyPlot.Series("fast", fast), new LatencyPlot.Series("slow", slow)));
        // The first two palette colours (red, blue) must both appear: one curve and legend box per series.
        assertTrue(countPixels(image, 0xD62728) > 100, "no pixels of the first series");
        assertTrue(countPixels(image, 0x1F77B4) > 100, "no pixels of the second series");
    }

    private static int countPixels(final BufferedImage image, final int rgb)
    {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++)
        {
            for (int x = 0; x < image.getWidth(); x++)
            {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb)
                {
                    n++;
                }
            }
        }
        return n;
    }
}
