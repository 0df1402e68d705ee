/*
 * COMPARE AND WRITE through one gateway of an rbd image while another gateway's initiator writes the same block
 * (RbdGatewayCompareAndWriteTest): what VMware's ATS heartbeat meets when its hosts reach the image through different
 * gateways around a failover.
 *
 *   caw-gateways writer URL SECONDS PAUSE_MS BLOCK
 *       writes block 0 (WRITE 16, BLOCK bytes: the LUN's block size, QD1) over and over, PAUSE_MS apart, each time
 *       with the next sequence number in its first 8 bytes; prints "ACK seq ns" for each acknowledged write
 *       (CLOCK_MONOTONIC) and stops at the first that is not (its gateway fenced) or after SECONDS; then "END acked=N".
 *   caw-gateways caw URL BLOCK
 *       up to 3 times, until one is GOOD: reads block 0 ("READ seq ns"), then at once sends COMPARE AND WRITE of
 *       block 0 with what it read as the compare data and a block of its own (sequence number ~0) as the write data;
 *       prints "CAW status=0xSS key=K ascq=0xAAAA ns" when answered.
 */
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The LUN's logical block size: 512 or 4096. */
static int block_size = 512;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct iscsi_context *login(const char *initiator, const char *url_text, int *lun)
{
    struct iscsi_context *iscsi = iscsi_create_context(initiator);
    struct iscsi_url *url = iscsi_parse_full_url(iscsi, url_text);
    if (url == NULL)
    {
        fprintf(stderr, "bad url %s: %s\n", url_text, iscsi_get_error(iscsi));
        exit(2);
    }
    iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE);
    iscsi_set_noautoreconnect(iscsi, 1);
    iscsi_set_timeout(iscsi, 30);
    *lun = url->lun;
    if (iscsi_full_connect_sync(iscsi, url->portal, url->lun) != 0)
    {
        fprintf(stderr, "login to %s failed: %s\n", url_text, iscsi_get_error(iscsi));
        exit(2);
    }
    iscsi_destroy_url(url);
    return iscsi;
}

static int writer(const char *url, int seconds, int pause_ms)
{
    int lun;
    struct iscsi_context *iscsi = login("iqn.2026-12.io.ringtarget.test:caw-writer", url, &lun);
    unsigned char *buf = malloc(block_size);
    const int64_t end = now_ns() + (int64_t)seconds * 1000000000;
    uint64_t seq = 0;
    long acked = 0;
    while (now_ns() < end)
    {
        seq++;
        memset(buf, 0xA5, block_size);
        memcpy(buf, &seq, sizeof(seq));
        struct scsi_task *t = iscsi_write16_sync(iscsi, lun, 0, buf, block_size, block_size, 0, 0, 0, 0, 0);
        const int good = t != NULL && t->status == SCSI_STATUS_GOOD;
        if (t != NULL)
        {
            scsi_free_scsi_task(t);
        }
        if (!good)
        {
            break;
        }
        acked++;
        printf("ACK %llu %lld\n", (unsigned long long)seq, (long long)now_ns());
        fflush(stdout);
        struct timespec pause = { pause_ms / 1000, (long)(pause_ms % 1000) * 1000000 };
        nanosleep(&pause, NULL);
    }
    printf("END acked=%ld\n", acked);
    fflush(stdout);
    free(buf);
    return 0;
}

/* One READ then COMPARE AND WRITE of what it read; 1 when answered GOOD. */
static int attempt(struct iscsi_context *iscsi, int lun)
{
    struct scsi_task *r = iscsi_read16_sync(iscsi, lun, 0, block_size, block_size, 0, 0, 0, 0, 0);
    if (r == NULL || r->status != SCSI_STATUS_GOOD || r->datain.size < block_size)
    {
        fprintf(stderr, "READ 16 failed\n");
        exit(2);
    }
    unsigned char *both = malloc(2 * block_size);
    memcpy(both, r->datain.data, block_size);
    uint64_t seen;
    memcpy(&seen, both, sizeof(seen));
    scsi_free_scsi_task(r);
    printf("READ %llu %lld\n", (unsigned long long)seen, (long long)now_ns());
    memset(both + block_size, 0x3C, block_size);
    const uint64_t mine = ~0ull;
    memcpy(both + block_size, &mine, sizeof(mine));
    struct scsi_task *t = iscsi_compareandwrite_sync(iscsi, lun, 0, both, 2 * block_size, block_size, 0, 0, 0, 0, 0);
    const int64_t answered = now_ns();
    free(both);
    int good = 0;
    if (t == NULL)
    {
        printf("CAW status=none key=0 ascq=0x0000 %lld\n", (long long)answered);
    }
    else
    {
        printf("CAW status=0x%02x key=%d ascq=0x%04x %lld\n", t->status, t->sense.key, t->sense.ascq,
            (long long)answered);
        good = t->status == SCSI_STATUS_GOOD;
        scsi_free_scsi_task(t);
    }
    fflush(stdout);
    return good;
}

static int caw(const char *url)
{
    int lun;
    struct iscsi_context *iscsi = login("iqn.2026-12.io.ringtarget.test:caw-host", url, &lun);
    for (int i = 0; i < 3 && !attempt(iscsi, lun); i++)
    {
    }
    iscsi_logout_sync(iscsi);
    iscsi_destroy_context(iscsi);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "writer") == 0)
    {
        block_size = atoi(argv[5]);
        return writer(argv[2], atoi(argv[3]), atoi(argv[4]));
    }
    if (argc == 4 && strcmp(argv[1], "caw") == 0)
    {
        block_size = atoi(argv[3]);
        return caw(argv[2]);
    }
    fprintf(stderr, "usage: caw-gateways writer URL SECONDS PAUSE_MS BLOCK | caw URL BLOCK\n");
    return 2;
}
