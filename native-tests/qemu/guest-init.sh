#!/bin/sh
# /init of the kernel initiator guest (busybox sh, PID 1). Mounts the kernel's file systems, loads the modules
# build-guest.sh listed, configures the NICs for QEMU's user networking, runs /test/run (put there by a second
# cpio archive that the harness appends to the initramfs) and powers the machine off.
#
# Kernel command line parameters it reads:
#   rt.ip=ADDR/LEN[,ADDR/LEN...]  one address per NIC, in PCI order (eth0, eth1, ...); default 10.0.2.15/24.
#                                 Each NIC's host (QEMU's slirp gateway, the host's loopback) is ADDR's x.y.z.2.
#   rt.shell=1                    a shell on the console instead of powering off after the script (debugging).
# Console lines for the harness (KernelInitiatorGuest parses them):
#   RT-GUEST-READY <seconds since boot>          modules loaded, network up, the script starts
#   RT-GUEST-EXIT <status> <seconds since boot>  the script ended with that status (the last line before poweroff)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
umask 022

uptime_s() { cut -d' ' -f1 /proc/uptime; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/lock/iscsi /run/multipathd
# The kernel asks userspace for modules it wants (crypto crc32c for digests, scsi_dh handlers) through this path.
echo /sbin/modprobe >/proc/sys/kernel/modprobe
hostname guest

param() {  # the value of kernel parameter $1, or $2
  for word in $(cat /proc/cmdline); do
    case "$word" in "$1="*) echo "${word#*=}"; return ;; esac
  done
  echo "$2"
}

kver="$(uname -r)"
while read -r m; do
  insmod "/lib/modules/$kver/$m" 2>/tmp/insmod.err || echo "RT-GUEST: insmod $m: $(cat /tmp/insmod.err)"
done </etc/guest-modules

ip link set lo up
i=0
for cidr in $(param rt.ip 10.0.2.15/24 | tr ',' ' '); do
  dev="eth$i"
  n=0
  while [ ! -e "/sys/class/net/$dev" ] && [ "$n" -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
  ip addr add "$cidr" dev "$dev"
  ip link set "$dev" up
  if [ "$i" = 0 ]; then
    gw="$(echo "${cidr%/*}" | cut -d. -f1-3).2"
    ip route add default via "$gw" dev "$dev"
  fi
  i=$((i + 1))
done

# open-iscsi's state: an initiator name of our own (a test may overwrite it before starting iscsid).
echo "InitiatorName=iqn.2026-11.io.ringtarget.guest:kernel" >/etc/iscsi/initiatorname.iscsi

echo "RT-GUEST-READY $(uptime_s)"
status=127
if [ -f /test/run ]; then
  ( cd /test && sh /test/run ) </dev/null
  status=$?
else
  echo "RT-GUEST: no /test/run in the initramfs"
fi
sync
echo "RT-GUEST-EXIT $status $(uptime_s)"
# Leave no session behind (a script that failed half-way): the kernel's power-off with live sessions under a
# multipath map has hung here (soft lockups), and the target would log the dropped connections as errors.
if ls -d /sys/class/iscsi_session/session* >/dev/null 2>&1; then
  echo "RT-GUEST: logging out of the sessions the script left"
  timeout 20 multipath -F >/dev/null 2>&1
  timeout 30 iscsiadm -m node --logoutall=all >/dev/null 2>&1
fi
if [ "$(param rt.shell 0)" = 1 ]; then
  echo "RT-GUEST: rt.shell=1: a shell; 'poweroff -f' ends the guest"
  setsid cttyhack sh
fi
poweroff -f
