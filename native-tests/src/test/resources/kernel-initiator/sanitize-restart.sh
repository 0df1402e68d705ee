# KernelInitiatorSanitizeRestartTest's guest script (busybox sh): a SANITIZE that outlives its target, killed while
# the operation runs (SBC-4 4.11.2 resumes it after a power on). LUN 0 is a 1 GiB fileio LUN of a target with a
# state directory. 'Z' written, an OVERWRITE of 31 passes of 'R' started with --early (IMMED), the host waits until
# the state file holds saved progress (every 5 s), the target killed (SIGKILL) and started again; once the session is
# back, TEST UNIT READY must say SANITIZE IN PROGRESS (the operation went on from its saved progress with the first
# command), a read waits for the end and returns the pattern, and the state file is gone. A background short
# self-test run before the sanitize is still in smartctl's self-test log after the restart (saved in the state
# directory too), and so is the write cache Linux turned on through cache_type (a MODE SELECT that saves, as the
# caching page says it is saveable). The harness replaces @TARGET@ and @PORTAL@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
# Long enough for a target restart: commands wait for the session to come back instead of failing.
iscsiadm -m node -T "$T" -p "$P" -o update -n node.session.timeo.replacement_timeout -v 120 || rt_fail "timeout"
rt_step login
rt_login "$T" "$P"
d="$(rt_disk "$T" 0)" || rt_fail "no disk for LUN 0"

# bytes DEV BLOCK: the distinct byte values of the 4 KiB block BLOCK, read with O_DIRECT.
bytes() {
  dd if="$1" of=/tmp/back bs=4096 count=1 skip="$2" iflag=direct 2>/dev/null || { echo "read failed"; return; }
  od -An -v -tx1 /tmp/back | tr -s ' \n' '\n' | sort -u | tr '\n' ' '
}
yes Z | tr -d '\n' | head -c 1048576 > /tmp/z
dd if=/tmp/z of="/dev/$d" bs=1048576 count=1 seek=100 oflag=direct 2>/dev/null || rt_fail "write"
rt_result before "$(bytes "/dev/$d" 25600)"
rt_step "short self-test"
smartctl -t short "/dev/$d" > /tmp/out 2>&1
rt_result short_test_rc "$?"
n=0
while smartctl -l selftest "/dev/$d" 2>/dev/null | grep -q 'in progress' && [ "$n" -lt 300 ]; do
  n=$((n + 1)); sleep 0.1
done
rt_result selftest_before "$(smartctl -l selftest "/dev/$d" 2>&1 | grep -E '^# *[0-9]' | tr -s ' ' | tr '\n' ';')"
rt_step "write cache on through cache_type"
wcache() { smartctl -g wcache "/dev/$1" 2>&1 | grep -i 'cache is' | grep -iv 'read' | tr -s ' '; }
rt_result wcache_initial "$(wcache "$d")"
ct="$(ls -d /sys/block/"$d"/device/scsi_disk/*)/cache_type"
echo "write back" > "$ct" || rt_fail "cache_type refused"
rt_result cache_type_before "$(cat "$ct")"
rt_result wcache_before "$(wcache "$d")"
printf R > /tmp/pattern

rt_step "overwrite of 31 passes, IMMED"
sg_sanitize --overwrite --count=31 --pattern=/tmp/pattern --early --quick "/dev/$d" > /tmp/out 2>&1
rt_result early_rc "$?"
rt_host saved-progress
rt_result state_before_kill "$RT_ANSWER"
rt_step kill
rt_host restart-target kill
logged_in() {
  for s in /sys/class/iscsi_session/session*; do [ "$(cat "$s/state")" = LOGGED_IN ] || return 1; done
}
rt_until 120 "the session back after the kill" logged_in
rt_result relogin "$RT_WAITED"
# The first command after the restart may meet a unit attention; the next one sees the operation in progress.
tur=""
for i in 1 2 3; do
  tur="$(sg_turs -v "/dev/$d" 2>&1 | tr -s ' \n' ' ')"
  case "$tur" in *[Ss]anitize\ in\ progress*) break ;; esac
done
rt_result after_restart_tur "$tur"
rt_result after_restart_progress "$(sg_requests --progress "/dev/$d" 2>&1 | grep -o 'Progress indication: [0-9.]*%' | head -1)"
rt_result after_restart_read "$(bytes "/dev/$d" 25600)"
rt_result after_tur "$(sg_turs "/dev/$d" > /dev/null 2>&1; echo $?)"
rt_host state-file
rt_result state_after "$RT_ANSWER"
# Linux keeps what it read before the restart until the disk is rescanned: read the target's page itself too.
echo 1 > "/sys/block/$d/device/rescan"
rt_result cache_type_after "$(cat "$ct")"
rt_result wcache_after "$(wcache "$d")"
rt_result selftest_after "$(smartctl -l selftest "/dev/$d" 2>&1 | grep -E '^# *[0-9]' | tr -s ' ' | tr '\n' ';')"
rt_result conn_errors "$(rt_conn_errors)"
rt_step logout
rt_logout "$T" "$P"
