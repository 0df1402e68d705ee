package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Tools;

import java.time.Duration;

/** fio over libiscsi: writes with verify=crc32c, then reads everything back and verifies it. */
final class FioVerify
{
    private FioVerify()
    {
    }

    static ExternalProcess.Result run(final String url, final String rw, final String bs, final int iodepth, final String size)
    {
        return ExternalProcess.run(Duration.ofSeconds(300), Tools.fio().toString(), "--name=verify",
            "--ioengine=libiscsi", "--filename=" + Tools.fioFilename(url), "--rw=" + rw, "--bs=" + bs,
            "--iodepth=" + iodepth, "--size=" + size, "--verify=crc32c", "--do_verify=1", "--verify_fatal=1",
            "--randrepeat=0", "--verify_state_save=0");
    }
}
