/*
 * Persistent reservations through two gateways of one rbd image (RbdGatewayReservationsTest): initiator X logs in
 * to gateway A, initiator Y to gateway B, and each sees what the other's PERSISTENT RESERVE OUT did, as on one
 * logical unit (SPC-4 5.12).
 *
 *   pr-gateways steps URL_A URL_B
 *       runs the steps below, printing "STEP n ..." for each; after step 11 prints "RESTART-A" and waits for a line
 *       on stdin (the test restarts gateway A meanwhile), then goes on with a new session of X. Prints
 *       "RESULT ok" and exits 0, or "FAIL step n: ..." and exits 1 at the first step that did not go as SPC-4 says.
 *   pr-gateways race URL NAME BASE COUNT
 *       logs in as NAME and sends COUNT REGISTER AND IGNORE EXISTING KEY, keys BASE+1 .. BASE+COUNT, each GOOD or it
 *       fails; prints "RACED n" (run two at once, through two gateways: every change must count).
 *   pr-gateways keys URL
 *       prints "KEYS generation=G keys=K1,K2" (READ KEYS, as an initiator of its own).
 */
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_X 0xAA01ull
#define KEY_Y 0xBB02ull
#define WE SCSI_PERSISTENT_RESERVE_TYPE_WRITE_EXCLUSIVE

struct path
{
    struct iscsi_context *iscsi;
    int lun;
};

static int step;

static void fail(const char *what, struct scsi_task *task)
{
    printf("FAIL step %d: %s", step, what);
    if (task != NULL)
    {
        printf(" (status 0x%02x, sense key %d, ascq 0x%04x)", task->status, task->sense.key, task->sense.ascq);
    }
    printf("\n");
    fflush(stdout);
    exit(1);
}

static void connect_path(struct path *p, const char *initiator, const char *url_text)
{
    p->iscsi = iscsi_create_context(initiator);
    struct iscsi_url *url = iscsi_parse_full_url(p->iscsi, url_text);
    if (url == NULL)
    {
        fail("bad url", NULL);
    }
    iscsi_set_session_type(p->iscsi, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(p->iscsi, ISCSI_HEADER_DIGEST_NONE);
    iscsi_set_noautoreconnect(p->iscsi, 1);
    iscsi_set_timeout(p->iscsi, 30);
    p->lun = url->lun;
    if (iscsi_full_connect_sync(p->iscsi, url->portal, url->lun) != 0)
    {
        fprintf(stderr, "login to %s failed: %s\n", url_text, iscsi_get_error(p->iscsi));
        fail("login", NULL);
    }
    iscsi_destroy_url(url);
    /* A unit attention waiting for the new nexus (none is expected) would fail the first real step. */
    for (int i = 0; i < 3; i++)
    {
        struct scsi_task *t = iscsi_testunitready_sync(p->iscsi, p->lun);
        const int good = t != NULL && t->status == SCSI_STATUS_GOOD;
        if (t != NULL)
        {
            scsi_free_scsi_task(t);
        }
        if (good)
        {
            return;
        }
    }
    fail("TEST UNIT READY never GOOD", NULL);
}

static struct scsi_task *prout(struct path *p, int sa, int type, uint64_t key, uint64_t sa_key)
{
    struct scsi_persistent_reserve_out_basic basic;
    memset(&basic, 0, sizeof(basic));
    basic.reservation_key = key;
    basic.service_action_reservation_key = sa_key;
    struct scsi_task *t = iscsi_persistent_reserve_out_sync(p->iscsi, p->lun, sa, SCSI_PERSISTENT_RESERVE_SCOPE_LU,
        type, &basic);
    if (t == NULL)
    {
        fail("PERSISTENT RESERVE OUT got no answer", NULL);
    }
    return t;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void prout_good(struct path *p, int sa, int type, uint64_t key, uint64_t sa_key, const char *what)
{
    const double start = now_ms();
    struct scsi_task *t = prout(p, sa, type, key, sa_key);
    const double took = now_ms() - start;
    if (t->status != SCSI_STATUS_GOOD)
    {
        fail(what, t);
    }
    scsi_free_scsi_task(t);
    printf("STEP %d %s: GOOD in %.2f ms\n", step, what, took);
}

/* READ KEYS: the keys, as "k1,k2" (sorted as reported), into out. */
static void read_keys(struct path *p, char *out, size_t size)
{
    struct scsi_task *t = iscsi_persistent_reserve_in_sync(p->iscsi, p->lun, SCSI_PERSISTENT_RESERVE_READ_KEYS,
        1024);
    if (t == NULL || t->status != SCSI_STATUS_GOOD)
    {
        fail("READ KEYS", t);
    }
    struct scsi_persistent_reserve_in_read_keys *rk = scsi_datain_unmarshall(t);
    if (rk == NULL)
    {
        fail("READ KEYS data", t);
    }
    out[0] = '\0';
    for (int i = 0; i < rk->num_keys; i++)
    {
        char key[24];
        snprintf(key, sizeof(key), "%s%llx", i == 0 ? "" : ",", (unsigned long long)rk->keys[i]);
        strncat(out, key, size - strlen(out) - 1);
    }
    scsi_free_scsi_task(t);
}

static void expect_keys(struct path *p, const char *expected, const char *through)
{
    char keys[512];
    read_keys(p, keys, sizeof(keys));
    printf("STEP %d READ KEYS through %s: [%s]\n", step, through, keys);
    if (strcmp(keys, expected) != 0)
    {
        char what[640];
        snprintf(what, sizeof(what), "READ KEYS through %s: [%s], expected [%s]", through, keys, expected);
        fail(what, NULL);
    }
}

static void expect_reservation(struct path *p, uint64_t key, int type, const char *through)
{
    struct scsi_task *t = iscsi_persistent_reserve_in_sync(p->iscsi, p->lun,
        SCSI_PERSISTENT_RESERVE_READ_RESERVATION, 1024);
    if (t == NULL || t->status != SCSI_STATUS_GOOD)
    {
        fail("READ RESERVATION", t);
    }
    struct scsi_persistent_reserve_in_read_reservation *rr = scsi_datain_unmarshall(t);
    if (rr == NULL)
    {
        fail("READ RESERVATION data", t);
    }
    printf("STEP %d READ RESERVATION through %s: reserved=%d key=%llx type=%d\n", step, through, rr->reserved,
        (unsigned long long)rr->reservation_key, rr->pr_type);
    if (key == 0 ? rr->reserved != 0 : !rr->reserved || rr->reservation_key != key || rr->pr_type != type)
    {
        fail("READ RESERVATION shows another reservation", NULL);
    }
    scsi_free_scsi_task(t);
}

/* A 4 KiB WRITE 16 (or READ 16) at LBA 0; returns the task for its status. */
static struct scsi_task *io(struct path *p, int write)
{
    static unsigned char buf[4096];
    memset(buf, 0x5A, sizeof(buf));
    struct scsi_task *t = write ? iscsi_write16_sync(p->iscsi, p->lun, 0, buf, sizeof(buf), 512, 0, 0, 0, 0, 0) :
        iscsi_read16_sync(p->iscsi, p->lun, 0, sizeof(buf), 512, 0, 0, 0, 0, 0);
    if (t == NULL)
    {
        fail("no answer to a READ/WRITE", NULL);
    }
    return t;
}

static void expect_io(struct path *p, int write, int status, const char *what)
{
    struct scsi_task *t = io(p, write);
    if (t->status != status)
    {
        fail(what, t);
    }
    printf("STEP %d %s: status 0x%02x\n", step, what, t->status);
    scsi_free_scsi_task(t);
}

static int race(const char *url, const char *name, uint64_t base, int count)
{
    struct path p;
    step = 1;
    connect_path(&p, name, url);
    for (int i = 1; i <= count; i++)
    {
        step = i;
        struct scsi_task *t = prout(&p, SCSI_PERSISTENT_RESERVE_REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0, base + i);
        if (t->status != SCSI_STATUS_GOOD)
        {
            fail("REGISTER AND IGNORE EXISTING KEY", t);
        }
        scsi_free_scsi_task(t);
    }
    printf("RACED %d\n", count);
    iscsi_logout_sync(p.iscsi);
    iscsi_destroy_context(p.iscsi);
    return 0;
}

static int keys(const char *url)
{
    struct path p;
    step = 1;
    connect_path(&p, "iqn.2026-11.io.ringtarget.test:pr-reader", url);
    struct scsi_task *t = iscsi_persistent_reserve_in_sync(p.iscsi, p.lun, SCSI_PERSISTENT_RESERVE_READ_KEYS, 1024);
    if (t == NULL || t->status != SCSI_STATUS_GOOD)
    {
        fail("READ KEYS", t);
    }
    struct scsi_persistent_reserve_in_read_keys *rk = scsi_datain_unmarshall(t);
    if (rk == NULL)
    {
        fail("READ KEYS data", t);
    }
    printf("KEYS generation=%u keys=", rk->prgeneration);
    for (int i = 0; i < rk->num_keys; i++)
    {
        printf("%s%llx", i == 0 ? "" : ",", (unsigned long long)rk->keys[i]);
    }
    printf("\n");
    scsi_free_scsi_task(t);
    iscsi_logout_sync(p.iscsi);
    iscsi_destroy_context(p.iscsi);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "race") == 0)
    {
        return race(argv[2], argv[3], strtoull(argv[4], NULL, 0), atoi(argv[5]));
    }
    if (argc == 3 && strcmp(argv[1], "keys") == 0)
    {
        return keys(argv[2]);
    }
    if (argc != 4 || strcmp(argv[1], "steps") != 0)
    {
        fprintf(stderr, "usage: pr-gateways steps URL_A URL_B | race URL NAME BASE COUNT | keys URL\n");
        return 2;
    }
    argv++;
    const char *x_name = "iqn.2026-11.io.ringtarget.test:pr-x";
    const char *y_name = "iqn.2026-11.io.ringtarget.test:pr-y";
    struct path x;
    struct path y;
    step = 1;
    connect_path(&x, x_name, argv[1]);
    connect_path(&y, y_name, argv[2]);
    printf("STEP 1 X logged in to A, Y to B\n");

    step = 2;
    prout_good(&x, SCSI_PERSISTENT_RESERVE_REGISTER, 0, 0, KEY_X, "X REGISTER through A");
    step = 3;
    expect_keys(&y, "aa01", "B");
    step = 4;
    prout_good(&y, SCSI_PERSISTENT_RESERVE_REGISTER, 0, 0, KEY_Y, "Y REGISTER through B");
    expect_keys(&x, "aa01,bb02", "A");
    step = 5;
    prout_good(&x, SCSI_PERSISTENT_RESERVE_RESERVE, WE, KEY_X, 0, "X RESERVE (write exclusive) through A");
    step = 6;
    expect_reservation(&y, KEY_X, WE, "B");
    step = 7;
    expect_io(&y, 1, SCSI_STATUS_RESERVATION_CONFLICT, "Y WRITE through B under X's reservation");
    step = 8;
    expect_io(&y, 0, SCSI_STATUS_GOOD, "Y READ through B under X's write-exclusive reservation");
    step = 9;
    expect_io(&x, 1, SCSI_STATUS_GOOD, "X WRITE through A, the holder");
    step = 10;
    /* With ABORT: A aborts X's tasks there and acknowledges the change once they have ended. */
    prout_good(&y, SCSI_PERSISTENT_RESERVE_PREEMPT_AND_ABORT, WE, KEY_Y, KEY_X, "Y PREEMPT AND ABORT X through B");
    expect_reservation(&y, KEY_Y, WE, "B");
    step = 11;
    {
        /* SPC-4 5.12.11.2.4: X's registration was removed through B; A tells X with a unit attention. */
        struct scsi_task *t = io(&x, 1);
        if (t->status != SCSI_STATUS_CHECK_CONDITION || t->sense.key != SCSI_SENSE_UNIT_ATTENTION ||
            t->sense.ascq != 0x2A05)
        {
            fail("X's WRITE through A after the preemption: expected UNIT ATTENTION, REGISTRATIONS PREEMPTED", t);
        }
        printf("STEP 11 X WRITE through A: UNIT ATTENTION, REGISTRATIONS PREEMPTED\n");
        scsi_free_scsi_task(t);
        expect_reservation(&x, KEY_Y, WE, "A");
        expect_keys(&x, "bb02", "A");
        expect_io(&x, 1, SCSI_STATUS_RESERVATION_CONFLICT, "X WRITE through A again, under Y's reservation");
    }

    printf("RESTART-A\n");
    fflush(stdout);
    char line[16];
    if (fgets(line, sizeof(line), stdin) == NULL)
    {
        fail("no go-ahead after the restart", NULL);
    }
    iscsi_destroy_context(x.iscsi);
    step = 12;
    connect_path(&x, x_name, argv[1]);
    expect_keys(&x, "bb02", "the restarted A");
    expect_reservation(&x, KEY_Y, WE, "the restarted A");
    expect_io(&x, 1, SCSI_STATUS_RESERVATION_CONFLICT, "X WRITE through the restarted A");
    step = 13;
    prout_good(&y, SCSI_PERSISTENT_RESERVE_CLEAR, 0, KEY_Y, 0, "Y CLEAR through B");
    expect_keys(&x, "", "A");
    expect_reservation(&x, 0, 0, "A");
    expect_io(&x, 1, SCSI_STATUS_GOOD, "X WRITE through A with no reservation");
    printf("RESULT ok\n");
    fflush(stdout);
    iscsi_logout_sync(x.iscsi);
    iscsi_logout_sync(y.iscsi);
    iscsi_destroy_context(x.iscsi);
    iscsi_destroy_context(y.iscsi);
    return 0;
}
