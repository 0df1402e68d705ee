/*
 * Small deterministic libiscsi session used to capture the golden PDU streams in this directory:
 * login (optionally offering HeaderDigest=CRC32C only), INQUIRY, READ CAPACITY(16), WRITE(10) of 96 KiB at LBA 4096,
 * READ(10) of 96 KiB at LBA 4096 and of 20 KiB at LBA 0, LOGICAL UNIT RESET, logout.
 * Build: gcc -O2 -o golden-client golden-client.c -liscsi
 * Run:   ./golden-client 127.0.0.1:3269 iqn.2026-11.test:golden 1 [crc32c]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

static int check(struct iscsi_context *iscsi, struct scsi_task *task, const char *what)
{
    if (task == NULL || task->status != SCSI_STATUS_GOOD) {
        fprintf(stderr, "%s failed: %s\n", what, iscsi_get_error(iscsi));
        return -1;
    }
    printf("%s ok, %d bytes in\n", what, task->datain.size);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s portal target lun [crc32c]\n", argv[0]);
        return 2;
    }
    int lun = atoi(argv[3]);
    struct iscsi_context *iscsi = iscsi_create_context("iqn.2026-11.io.ringtarget:golden-client");
    iscsi_set_targetname(iscsi, argv[2]);
    iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(iscsi, argc > 4 ? ISCSI_HEADER_DIGEST_CRC32C : ISCSI_HEADER_DIGEST_NONE);
    if (iscsi_full_connect_sync(iscsi, argv[1], lun) != 0) {
        fprintf(stderr, "login failed: %s\n", iscsi_get_error(iscsi));
        return 1;
    }
    struct scsi_task *t = iscsi_inquiry_sync(iscsi, lun, 0, 0, 255);
    if (check(iscsi, t, "INQUIRY")) return 1;
    scsi_free_scsi_task(t);
    t = iscsi_readcapacity16_sync(iscsi, lun);
    if (check(iscsi, t, "READ CAPACITY(16)")) return 1;
    scsi_free_scsi_task(t);

    static unsigned char data[96 * 1024];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (unsigned char)(i * 7 + (i >> 9));
    }
    t = iscsi_write10_sync(iscsi, lun, 4096, data, sizeof(data), 512, 0, 0, 0, 0, 0);
    if (check(iscsi, t, "WRITE(10)")) return 1;
    scsi_free_scsi_task(t);
    t = iscsi_read10_sync(iscsi, lun, 4096, sizeof(data), 512, 0, 0, 0, 0, 0);
    if (check(iscsi, t, "READ(10) 96 KiB")) return 1;
    if (memcmp(t->datain.data, data, sizeof(data)) != 0) {
        fprintf(stderr, "read back differs\n");
        return 1;
    }
    scsi_free_scsi_task(t);
    t = iscsi_read10_sync(iscsi, lun, 0, 20 * 1024, 512, 0, 0, 0, 0, 0);
    if (check(iscsi, t, "READ(10) 20 KiB")) return 1;
    scsi_free_scsi_task(t);
    if (iscsi_task_mgmt_lun_reset_sync(iscsi, lun) != 0) {
        fprintf(stderr, "LUN RESET failed: %s\n", iscsi_get_error(iscsi));
        return 1;
    }
    printf("LOGICAL UNIT RESET ok\n");
    iscsi_logout_sync(iscsi);
    iscsi_destroy_context(iscsi);
    return 0;
}
