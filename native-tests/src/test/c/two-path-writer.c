/*
 * A libiscsi initiator with two paths to one LUN, for the gateway failover test (RbdGatewayFailoverTest): what
 * dm-multipath does with a failed path, reduced to its core. Every block it writes says which write it was, so the
 * content read back proves which writes landed.
 *
 *   two-path-writer write URL_A URL_B SLOTS KILL_AFTER TOTAL
 *       TOTAL 4 KiB writes (WRITE 16, QD1) to slot (seq * 97) % SLOTS of the first SLOTS * 4 KiB, through A; prints
 *       "KILL-ME" after KILL_AFTER acknowledged ones (the test SIGKILLs A then). A write that fails on A (connection
 *       reset or timeout: its outcome is unknown) is sent again through B, which serves the rest (logged in on the
 *       first failure). Then SYNCHRONIZE CACHE and every slot read back through B: each must hold its last
 *       acknowledged write. Prints "RESULT acked=N failed_on_a=N failover_ms=N verified=N mismatches=N".
 *   two-path-writer fill URL FIRST COUNT TAG
 *       writes slots FIRST.. with TAG's pattern, SYNCHRONIZE CACHE; exits 0 when all were acknowledged.
 *   two-path-writer stale URL FIRST COUNT TAG
 *       logs in, prints "READY", waits for a line on stdin, then writes like fill and prints
 *       "STALE acked=N refused=N outcomes=GCX..." (one letter per write in order: G GOOD, C another status, X no
 *       answer; exit 0 either way; it stops at the first write that gets no answer): the old owner's late writes.
 */
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOT_BYTES 4096
#define MAGIC 0x52425354u /* "RBST" */

struct path
{
    struct iscsi_context *iscsi;
    int lun;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_path(struct path *p, const char *url_text)
{
    p->iscsi = iscsi_create_context("iqn.2026-11.io.ringtarget.test:two-path-writer");
    struct iscsi_url *url = iscsi_parse_full_url(p->iscsi, url_text);
    if (url == NULL)
    {
        fprintf(stderr, "bad url %s: %s\n", url_text, iscsi_get_error(p->iscsi));
        return -1;
    }
    iscsi_set_session_type(p->iscsi, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(p->iscsi, ISCSI_HEADER_DIGEST_NONE);
    iscsi_set_noautoreconnect(p->iscsi, 1);
    iscsi_set_timeout(p->iscsi, 60);  /* a takeover (break, blocklist, acquire) takes well under that */
    p->lun = url->lun;
    if (iscsi_full_connect_sync(p->iscsi, url->portal, url->lun) != 0)
    {
        fprintf(stderr, "login to %s failed: %s\n", url_text, iscsi_get_error(p->iscsi));
        iscsi_destroy_url(url);
        return -1;
    }
    iscsi_destroy_url(url);
    return 0;
}

static void pattern(unsigned char *buf, uint32_t slot, uint32_t seq, uint32_t tag)
{
    for (int i = 0; i < SLOT_BYTES; i += 16)
    {
        const uint32_t words[4] = { MAGIC, slot, seq, tag };
        memcpy(buf + i, words, sizeof(words));
    }
}

/* 0: GOOD; 1: CHECK CONDITION or another status (the target answered); -1: no answer (connection, timeout). */
static int write_slot(struct path *p, uint32_t slot, unsigned char *buf)
{
    struct scsi_task *task = iscsi_write16_sync(p->iscsi, p->lun, (uint64_t)slot * (SLOT_BYTES / 512), buf,
        SLOT_BYTES, 512, 0, 0, 0, 0, 0);
    if (task == NULL)
    {
        return -1;
    }
    const int status = task->status;
    if (status != SCSI_STATUS_GOOD)
    {
        fprintf(stderr, "write slot %u: status %d %s\n", slot, status, iscsi_get_error(p->iscsi));
    }
    scsi_free_scsi_task(task);
    return status == SCSI_STATUS_GOOD ? 0 : (status == SCSI_STATUS_ERROR || status == SCSI_STATUS_CANCELLED ? -1 : 1);
}

static int sync_cache(struct path *p)
{
    struct scsi_task *task = iscsi_synchronizecache10_sync(p->iscsi, p->lun, 0, 0, 0, 0);
    const int ok = task != NULL && task->status == SCSI_STATUS_GOOD;
    if (task != NULL)
    {
        scsi_free_scsi_task(task);
    }
    return ok ? 0 : -1;
}

static int run_write(const char *url_a, const char *url_b, uint32_t slots, uint32_t kill_after, uint32_t total)
{
    struct path a, b;
    struct path *current = &a;
    int on_b = 0;
    uint32_t acked = 0, failed_on_a = 0;
    int64_t failed_at = 0, failover_ms = -1;
    int32_t *expected = malloc(sizeof(int32_t) * slots);
    unsigned char buf[SLOT_BYTES];
    for (uint32_t i = 0; i < slots; i++)
    {
        expected[i] = -1;
    }
    if (connect_path(&a, url_a) != 0)
    {
        return 2;
    }
    for (uint32_t seq = 0; seq < total; seq++)
    {
        const uint32_t slot = (uint32_t)(((uint64_t)seq * 97) % slots);
        pattern(buf, slot, seq, 0);
        int r = write_slot(current, slot, buf);
        if (r < 0 && !on_b)
        {
            failed_on_a++;
            failed_at = now_ms();
            fprintf(stderr, "path A failed at write %u: %s; failing over to B\n", seq, iscsi_get_error(a.iscsi));
            if (connect_path(&b, url_b) != 0)
            {
                return 2;
            }
            current = &b;
            on_b = 1;
            r = write_slot(current, slot, buf);
            failover_ms = now_ms() - failed_at;
        }
        if (r != 0)
        {
            fprintf(stderr, "write %u to slot %u not acknowledged (%d) on %s\n", seq, slot, r, on_b ? "B" : "A");
            return 1;
        }
        expected[slot] = (int32_t)seq;
        acked++;
        if (acked == kill_after)
        {
            printf("KILL-ME\n");
            fflush(stdout);
        }
    }
    if (!on_b)
    {
        fprintf(stderr, "path A never failed: the test did not kill it in time\n");
        return 1;
    }
    if (sync_cache(current) != 0)
    {
        fprintf(stderr, "SYNCHRONIZE CACHE through B failed\n");
        return 1;
    }
    uint32_t verified = 0, mismatches = 0;
    for (uint32_t slot = 0; slot < slots; slot++)
    {
        if (expected[slot] < 0)
        {
            continue;
        }
        struct scsi_task *task = iscsi_read16_sync(current->iscsi, current->lun,
            (uint64_t)slot * (SLOT_BYTES / 512), SLOT_BYTES, 512, 0, 0, 0, 0, 0);
        if (task == NULL || task->status != SCSI_STATUS_GOOD || task->datain.size != SLOT_BYTES)
        {
            fprintf(stderr, "read of slot %u failed: %s\n", slot, iscsi_get_error(current->iscsi));
            return 1;
        }
        pattern(buf, slot, (uint32_t)expected[slot], 0);
        if (memcmp(buf, task->datain.data, SLOT_BYTES) != 0)
        {
            uint32_t got[3];
            memcpy(got, task->datain.data, sizeof(got));
            fprintf(stderr, "slot %u: expected write %d, found magic %08x slot %u write %u\n", slot, expected[slot],
                got[0], got[1], got[2]);
            mismatches++;
        }
        verified++;
        scsi_free_scsi_task(task);
    }
    printf("RESULT acked=%u failed_on_a=%u failover_ms=%lld verified=%u mismatches=%u\n", acked, failed_on_a,
        (long long)failover_ms, verified, mismatches);
    return mismatches == 0 ? 0 : 1;
}

static int run_fill(const char *url, uint32_t first, uint32_t count, uint32_t tag, int stale)
{
    struct path p;
    unsigned char buf[SLOT_BYTES];
    char line[64];
    uint32_t acked = 0, refused = 0;
    char outcomes[1024] = "";   /* stale: one letter per write, in order: G good, C another status, X no answer */
    if (connect_path(&p, url) != 0)
    {
        return 2;
    }
    if (stale)
    {
        printf("READY\n");
        fflush(stdout);
        if (fgets(line, sizeof(line), stdin) == NULL)
        {
            return 2;
        }
    }
    for (uint32_t slot = first; slot < first + count; slot++)
    {
        pattern(buf, slot, 0, tag);
        const int r = write_slot(&p, slot, buf);
        const size_t n = strlen(outcomes);
        if (n + 1 < sizeof(outcomes))
        {
            outcomes[n] = r == 0 ? 'G' : r > 0 ? 'C' : 'X';
            outcomes[n + 1] = '\0';
        }
        if (r == 0)
        {
            acked++;
        }
        else
        {
            refused++;
            if (!stale || r < 0)
            {
                break;  /* fill: a failure; stale: no answer, so the connection is gone or the gateway hangs */
            }
        }
    }
    if (stale)
    {
        printf("STALE acked=%u refused=%u outcomes=%s\n", acked, refused, outcomes);
        return 0;
    }
    return refused == 0 && sync_cache(&p) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 7 && strcmp(argv[1], "write") == 0)
    {
        return run_write(argv[2], argv[3], (uint32_t)atoi(argv[4]), (uint32_t)atoi(argv[5]), (uint32_t)atoi(argv[6]));
    }
    if (argc == 6 && (strcmp(argv[1], "fill") == 0 || strcmp(argv[1], "stale") == 0))
    {
        return run_fill(argv[2], (uint32_t)atoi(argv[3]), (uint32_t)atoi(argv[4]), (uint32_t)strtoul(argv[5], NULL, 0),
            strcmp(argv[1], "stale") == 0);
    }
    fprintf(stderr, "usage: see the comment at the top of two-path-writer.c\n");
    return 2;
}
