# KernelInitiatorSecurityTest's guest script (busybox sh): open-iscsi logs in with CHAP SHA256 (to a TPG with MD5
# switched off, whose ACL maps the guest one LUN of two) and with mutual CHAP SHA3-256, is refused with a wrong
# secret, copies between two LUNs with sg_xcopy (EXTENDED COPY, LID1, as VMware's XCOPY), reads but cannot write
# through a read-only ACL, finds an ACL's renumbered LUNs under its numbers (one write-protected), and logs in over
# IPv6 through QEMU's user networking. The harness replaces @SHA256_TARGET@, @SHA3_TARGET@, @READ_ONLY_TARGET@,
# @RENUMBERED_TARGET@, @PORTAL@ (10.0.2.2:PORT), @PORT6@, @SECRET@, @TARGET_SECRET@.
. /lib/rt-guest.sh
P=@PORTAL@
T256=@SHA256_TARGET@
T3=@SHA3_TARGET@
TRO=@READ_ONLY_TARGET@
TREN=@RENUMBERED_TARGET@
# slirp gives the guest fec0::/64 and forwards a connection to any address of it but its DNS (fec0::3) to the
# host's ::1, as it forwards 10.0.2.2 to 127.0.0.1 (libslirp's sotranslate_out).
P6="[fec0::2]:@PORT6@"

chap() {   # chap TARGET PORTAL ALGORITHMS SECRET [MUTUAL_SECRET]
  rt_node_set "$1" "$2" node.session.auth.authmethod CHAP
  rt_node_set "$1" "$2" node.session.auth.chap_algs "$3"
  rt_node_set "$1" "$2" node.session.auth.username guest
  rt_node_set "$1" "$2" node.session.auth.password "$4"
  if [ -n "$5" ]; then
    rt_node_set "$1" "$2" node.session.auth.username_in target
    rt_node_set "$1" "$2" node.session.auth.password_in "$5"
  fi
}

# sg_of TARGET LUN: the SCSI generic device (sg1) of LUN of the session to TARGET.
sg_of() {
  sid="$(rt_session_of "$1")" || return 1
  for g in /sys/class/iscsi_session/session"$sid"/device/target*/*:*:*:"$2"/scsi_generic/*; do
    [ -e "$g" ] && { echo "${g##*/}"; return 0; }
  done
  return 1
}

rt_step iscsid
rt_iscsid

# try_login KEY TARGET PORTAL: a login expected to fail; KEY=refused, or logged-in (and logged out again).
try_login() {
  if iscsiadm -m node -T "$2" -p "$3" --login >/tmp/wrong.out 2>&1; then
    rt_result "$1" logged-in
    rt_logout "$2" "$3"
  else
    rt_result "$1" refused
  fi
}

# 1. CHAP SHA256 and SHA3-256 with a wrong secret, and mutual CHAP where the target's secret is not the one the
#    initiator expects: refused (three failures of the guest's name; the target's lockout needs 5).
rt_step wrong-secrets
rt_node "$T256" "$P"
rt_result default_chap_algs "$(iscsiadm -m node -T "$T256" -p "$P" | sed -n 's/^node.session.auth.chap_algs = //p')"
chap "$T256" "$P" "SHA256,MD5" "wrong-secret-123"
try_login wrong_secret "$T256" "$P"
rt_node "$T3" "$P"
chap "$T3" "$P" "SHA3-256" "wrong-secret-456"
try_login wrong_secret_sha3 "$T3" "$P"
chap "$T3" "$P" "SHA3-256" "@SECRET@" "wrong-target-789"
try_login wrong_target_secret "$T3" "$P"

# 2. One-way CHAP SHA256 on a TPG that accepts SHA256 only. The guest's ACL maps LUN 1 alone: the kernel finds it
#    through REPORT LUNS without a LUN 0 (its INQUIRY answers "no logical unit", peripheral qualifier 011b).
rt_step chap-sha256
rt_node_set "$T256" "$P" node.session.auth.password "@SECRET@"
rt_login "$T256" "$P"
d="$(rt_disk "$T256" 1)" || rt_fail "no disk for the mapped LUN 1 after the SHA256 login"
rt_result sha256_disk_bytes "$(rt_bytes "$d")"
rt_result masked_lun0_disk "$(rt_disk "$T256" 0 2 || echo none)"
rt_logout "$T256" "$P"

# 3. Mutual CHAP, the initiator offering the full list iscsid.conf suggests: the target takes the initiator's first,
#    SHA3-256, though its TPG lists MD5 first (RFC 7143 6.2.1).
rt_step chap-sha3-mutual
chap "$T3" "$P" "SHA3-256,SHA256,SHA1,MD5" "@SECRET@" "@TARGET_SECRET@"
rt_login "$T3" "$P"
s0="$(rt_disk "$T3" 0)" || rt_fail "no disk for LUN 0 after the SHA3-256 login"
s1="$(rt_disk "$T3" 1)" || rt_fail "no disk for LUN 1 after the SHA3-256 login"
g0="$(sg_of "$T3" 0)" || rt_fail "no sg device for LUN 0"
g1="$(sg_of "$T3" 1)" || rt_fail "no sg device for LUN 1"

# 4. EXTENDED COPY from LUN 0 to LUN 1 (two logical units of the TPG) with sg_xcopy, then compared.
rt_step xcopy
dd if=/dev/urandom of=/tmp/pattern bs=64k count=16 2>/dev/null
dd if=/tmp/pattern of="/dev/$s0" bs=64k count=16 oflag=direct 2>/dev/null || rt_fail "cannot write LUN 0"
sg_xcopy if="/dev/$g0" of="/dev/$g1" bs=512 count=2048 skip=0 seek=4096 >/tmp/xcopy.out 2>&1
rt_result xcopy_status "$?"
cat /tmp/xcopy.out
dd if="/dev/$s1" of=/tmp/copied bs=512 skip=4096 count=2048 iflag=direct 2>/dev/null || rt_fail "cannot read LUN 1"
if cmp -s /tmp/pattern /tmp/copied; then rt_result xcopy_data same; else rt_result xcopy_data different; fi
rt_logout "$T3" "$P"

# 5. A read-only ACL: the kernel sees the disk write-protected (MODE SENSE's WP bit) and a write does not happen.
rt_step read-only
rt_node "$TRO" "$P"
rt_login "$TRO" "$P"
r="$(rt_disk "$TRO" 0)" || rt_fail "no disk for the read-only ACL"
# sd clears the flag at the start of each revalidation and sets it from MODE SENSE at its end: wait (at most 5 s)
# for it. One CI run found it 0 once (not seen in 10 runs here since): then a rescan, as an administrator would, and
# both are reported with what the kernel logged.
n=0
while [ "$(cat "/sys/block/$r/ro")" != 1 ] && [ "$n" -lt 50 ]; do n=$((n + 1)); sleep 0.1; done
rt_result ro_flag_at_login "$(cat "/sys/block/$r/ro")"
[ "$(cat "/sys/block/$r/ro")" = 1 ] || echo 1 >"/sys/block/$r/device/rescan"
rt_result ro_flag "$(cat "/sys/block/$r/ro")"
rt_result ro_kernel "$(dmesg | grep -iE "\[$r\].*(write protect|test wp|assuming|mode sense)" | tr '\n' ';')"
if dd if=/tmp/pattern of="/dev/$r" bs=4k count=1 oflag=direct 2>/dev/null; then rt_result ro_write written
else rt_result ro_write refused; fi
if dd if="/dev/$r" of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null; then rt_result ro_read ok
else rt_result ro_read failed; fi
rt_logout "$TRO" "$P"

# 5b. Renumbered mapped LUNs: the TPG's LUN 1 (10 MiB) is the guest's LUN 0, its LUN 0 (6 MiB) the guest's LUN 1,
#     write-protected for the guest alone.
rt_step renumbered
rt_node "$TREN" "$P"
rt_login "$TREN" "$P"
n0="$(rt_disk "$TREN" 0)" || rt_fail "no disk for the renumbered LUN 0"
n1="$(rt_disk "$TREN" 1)" || rt_fail "no disk for the renumbered LUN 1"
rt_result renumbered_lun0_bytes "$(rt_bytes "$n0")"
rt_result renumbered_lun1_bytes "$(rt_bytes "$n1")"
n=0
while [ "$(cat "/sys/block/$n1/ro")" != 1 ] && [ "$n" -lt 50 ]; do n=$((n + 1)); sleep 0.1; done
rt_result renumbered_lun0_ro "$(cat "/sys/block/$n0/ro")"
rt_result renumbered_lun1_ro "$(cat "/sys/block/$n1/ro")"
head -c 4096 /tmp/pattern >/tmp/pattern4k
dd if=/tmp/pattern4k of="/dev/$n0" bs=4k count=1 oflag=direct 2>/dev/null || rt_fail "write to the renumbered LUN 0"
dd if="/dev/$n0" of=/tmp/renumbered bs=4k count=1 iflag=direct 2>/dev/null || rt_fail "read of the renumbered LUN 0"
if cmp -s /tmp/renumbered /tmp/pattern4k; then rt_result renumbered_lun0_io same
else rt_result renumbered_lun0_io different; fi
rt_logout "$TREN" "$P"

# 6. IPv6: discovery and a CHAP SHA256 login with I/O through the target's [::1] portal.
rt_step ipv6
ip -6 addr add fec0::15/64 dev eth0 2>/dev/null
sleep 2   # duplicate address detection
if iscsiadm -m discovery -t sendtargets -p "$P6" -o nonpersistent >/tmp/v6.out 2>&1; then
  rt_result ipv6_discovery "$(tr '\n' ' ' </tmp/v6.out)"
else
  rt_result ipv6_discovery "failed: $(tr '\n' ' ' </tmp/v6.out | cut -c1-200)"
fi
rt_node "$T256" "$P6"
chap "$T256" "$P6" "SHA256" "@SECRET@"
rt_login "$T256" "$P6"
d6="$(rt_disk "$T256" 1)" || rt_fail "no disk after the IPv6 login"
rt_result ipv6_session_address "$(iscsiadm -m session -P 1 | sed -n 's/^[[:space:]]*Current Portal: //p' | tail -1)"
dd if=/tmp/pattern of="/dev/$d6" bs=64k count=16 oflag=direct 2>/dev/null || rt_fail "cannot write over IPv6"
dd if="/dev/$d6" of=/tmp/back6 bs=64k count=16 iflag=direct 2>/dev/null || rt_fail "cannot read over IPv6"
if cmp -s /tmp/pattern /tmp/back6; then rt_result ipv6_io same; else rt_result ipv6_io different; fi
rt_logout "$T256" "$P6"
rt_step done
