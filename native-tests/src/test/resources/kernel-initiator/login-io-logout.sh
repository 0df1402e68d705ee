# KernelInitiatorTest's guest script (busybox sh): open-iscsi logs in to ringtarget four times and does verified
# I/O. The harness replaces @TARGET@, @SOLICITED@ (a second target), @PORTAL@ (10.0.2.2:PORT), @LUN0_BYTES@ and
# @LUN1_BYTES@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

# iscsiadm's view of a record's setting (Debian's iscsid.conf defaults unless changed).
setting() { iscsiadm -m node -T "$T" -p "$P" | sed -n "s/^$1 = //p"; }

rt_step iscsid
rt_iscsid
rt_step discovery
rt_result discovery "$(iscsiadm -m discovery -t sendtargets -p "$P" -o nonpersistent | tr '\n' ' ')"
rt_node "$T" "$P"
for k in 'node.conn\[0\].timeo.noop_out_interval' 'node.conn\[0\].timeo.noop_out_timeout' \
  'node.conn\[0\].iscsi.HeaderDigest' 'node.conn\[0\].iscsi.DataDigest' 'node.conn\[0\].iscsi.MaxRecvDataSegmentLength' \
  'node.session.iscsi.FirstBurstLength' 'node.session.iscsi.MaxBurstLength' 'node.session.iscsi.ImmediateData' \
  'node.session.iscsi.InitialR2T' 'node.session.timeo.replacement_timeout'; do
  rt_result "default.$(echo "$k" | sed 's/\\//g')" "$(setting "$k")"
done

# 1. Debian's defaults: both LUNs appear with their sizes, verified I/O on each, an idle spell long enough for
#    two rounds of NOP pings (the target's NOP-In and the initiator's NOP-Out both come every 5 s of silence).
rt_step login-defaults
rt_login "$T" "$P"
d0="$(rt_disk "$T" 0)" || rt_fail "no disk for LUN 0"
d1="$(rt_disk "$T" 1)" || rt_fail "no disk for LUN 1"
rt_result lun0_bytes "$(rt_bytes "$d0")"
rt_result lun1_bytes "$(rt_bytes "$d1")"
rt_result lun0_vendor "$(cat "/sys/block/$d0/device/vendor" | tr -d ' ')"
rt_result lun1_logical_block "$(cat "/sys/block/$d1/queue/logical_block_size")"
rt_result lun0_extended_inquiry "$(sg_vpd -p ei "/dev/$d0" 2>&1 | tr -s ' \n' '  ')"
rt_result negotiated_defaults "$(for k in HeaderDigest DataDigest MaxRecvDataSegmentLength MaxXmitDataSegmentLength FirstBurstLength MaxBurstLength ImmediateData InitialR2T; do printf '%s=%s ' $k "$(rt_negotiated $k)"; done)"
[ "$(rt_bytes "$d0")" = @LUN0_BYTES@ ] || rt_fail "LUN 0 is $(rt_bytes "$d0") bytes"
[ "$(rt_bytes "$d1")" = @LUN1_BYTES@ ] || rt_fail "LUN 1 is $(rt_bytes "$d1") bytes"
rt_step fio-lun0
# 4 KiB random writes at queue depth 16: each fits in immediate data, so no Data-Out PDUs in this session.
rt_fio_verify lun0 "/dev/$d0" --rw=randwrite --bs=4k --iodepth=16 --size=16m
rt_step fio-lun1
rt_fio_verify lun1 "/dev/$d1" --rw=write --bs=256k --iodepth=4 --size=32m
rt_step idle
sleep 12
rt_result conn_errors_defaults "$(rt_conn_errors)"
rt_step logout-defaults
rt_logout "$T" "$P"
rt_result sessions_after_logout "$(ls /sys/class/iscsi_session | wc -l)"
rt_result disk_after_logout "$([ -e "/sys/block/$d0" ] && echo present || echo gone)"

# 2. CRC32C header and data digests, 1 MiB writes: more than FirstBurstLength, so each is immediate data, an R2T
#    and Data-Out PDUs. Linux caps requests at the Block Limits page's optimal transfer length (128 KiB, all of it
#    immediate data) unless max_sectors_kb is raised to the maximum transfer length.
rt_step login-digests
rt_node_set "$T" "$P" 'node.conn[0].iscsi.HeaderDigest' CRC32C
rt_node_set "$T" "$P" 'node.conn[0].iscsi.DataDigest' CRC32C
rt_login "$T" "$P"
rt_result negotiated_header_digest "$(rt_negotiated HeaderDigest)"
rt_result negotiated_data_digest "$(rt_negotiated DataDigest)"
d0="$(rt_disk "$T" 0)" || rt_fail "no disk for LUN 0 with digests"
rt_result digests_max_hw_sectors_kb "$(cat "/sys/block/$d0/queue/max_hw_sectors_kb")"
echo 1024 >"/sys/block/$d0/queue/max_sectors_kb"  # the LU's MAXIMUM TRANSFER LENGTH: 1 MiB
rt_result digests_max_sectors_kb "$(cat "/sys/block/$d0/queue/max_sectors_kb")"
rt_step fio-digests
rt_fio_verify digests "/dev/$d0" --rw=randwrite --bs=1m --iodepth=4 --size=32m
# 16 MiB requests, the LU's MAXIMUM TRANSFER LENGTH since issue 15: 256 KiB of immediate data and one R2T for the
# rest of each write (MaxBurstLength 16776192), each read in two Data-In sequences. /sys/block/X/stat gives the
# requests and sectors each way, so the size the disk saw per request is measured, not assumed.
echo 16384 >"/sys/block/$d0/queue/max_sectors_kb"
rt_result big_max_sectors_kb "$(cat "/sys/block/$d0/queue/max_sectors_kb")"
rt_result big_max_segments "$(cat "/sys/block/$d0/queue/max_segments")"
rt_result big_max_segment_size "$(cat "/sys/block/$d0/queue/max_segment_size")"
set -- $(cat "/sys/block/$d0/stat"); r0=$1; rs0=$3; w0=$5; ws0=$7
rt_step fio-16m
rt_fio_verify big "/dev/$d0" --rw=write --bs=16m --iodepth=2 --size=48m
set -- $(cat "/sys/block/$d0/stat")
rt_result big_read_kib_per_request "$(( ($3 - rs0) / 2 / ($1 - r0) ))"
rt_result big_write_kib_per_request "$(( ($7 - ws0) / 2 / ($5 - w0) ))"
rt_result conn_errors_digests "$(rt_conn_errors)"
rt_logout "$T" "$P"

# 3. The initiator's NOP-Out pings every second (noop_out_interval=1), six idle seconds: each is answered, or the
#    kernel drops the connection after noop_out_timeout.
rt_step login-pings
rt_node_set "$T" "$P" 'node.conn[0].iscsi.HeaderDigest' None
rt_node_set "$T" "$P" 'node.conn[0].iscsi.DataDigest' None
rt_node_set "$T" "$P" 'node.conn[0].timeo.noop_out_interval' 1
rt_login "$T" "$P"
sleep 6
rt_result conn_errors_pings "$(rt_conn_errors)"
rt_logout "$T" "$P"
# 4. A target whose TPG parameters solicit every write (no immediate data, InitialR2T, 8 KiB first and 64 KiB
#    bursts, 16 KiB Data-Out segments, one R2T at a time) and require CRC32C digests: iscsid.conf's default offer
#    (None) is refused, CRC32C logs in, open-iscsi negotiates what the TPG offers, and 256 KiB writes go as four
#    R2Ts of 64 KiB each answered with four Data-Out PDUs.
S=@SOLICITED@
rt_step login-solicited
rt_node "$S" "$P"
iscsiadm -m node -T "$S" -p "$P" --login >/tmp/refused.out 2>&1
rt_result solicited_without_digests "$?"
rt_result solicited_without_digests_says "$(tr '\n' ' ' </tmp/refused.out)"
refused_errors="$(rt_conn_errors)"   # the refused login's connection ends with a "conn error" line of its own
rt_node_set "$S" "$P" 'node.conn[0].iscsi.HeaderDigest' CRC32C
rt_node_set "$S" "$P" 'node.conn[0].iscsi.DataDigest' CRC32C
rt_login "$S" "$P"
rt_result negotiated_solicited "$(for k in HeaderDigest DataDigest MaxXmitDataSegmentLength FirstBurstLength MaxBurstLength ImmediateData InitialR2T; do printf '%s=%s ' $k "$(rt_negotiated $k)"; done)"
d2="$(rt_disk "$S" 0)" || rt_fail "no disk for the solicited target's LUN 0"
rt_step fio-solicited
rt_fio_verify solicited "/dev/$d2" --rw=randwrite --bs=256k --iodepth=4 --size=16m
rt_result conn_errors_solicited "$(($(rt_conn_errors) - refused_errors))"
rt_logout "$S" "$P"
rt_step done
dmesg | grep -iE 'iscsi|scsi host|sd [0-9]|connection' | tail -40
