#!/usr/bin/env python3
"""Side-by-side fio benchmark of ringtarget against the userspace targets tgt, istgt (issue 5) and SPDK (issue 15).

Run it through run-bench.sh, which installs and builds what it needs first. Standard library only.

For each backstore kind (ram: a RAM/tmpfs LUN; loop: a loop device with direct I/O over a file in /var/tmp; shm:
the same over a file in /dev/shm, a block device without the VM's disk under it) it starts the targets on
loopback, fills their LUNs once with a sequential write (the warm-up), then runs every workload on every
target in turn (A B C A B C ...) for several repetitions. The targets that are not being measured are stopped
with SIGSTOP meanwhile, so an idle target's threads cannot take CPU from the one under test on a small machine.
SPDK's iscsi_tgt (built by build-spdk.sh) serves a malloc bdev (an aio bdev on loop and shm) on one core; its
reactor polls, so it uses a full core whenever it runs: before each repetition every target's idle CPU (no
session, the others stopped) is measured too.

With --baseline-ref GITREF (or --baseline-jar) an earlier ringtarget is one more target, ringtarget@SHORT-SHA,
built from that commit in a throw-away git worktree and started exactly like ringtarget; the report compares the
two per workload (the regression check).

Besides one fio job (one iSCSI session) per run, the many-sessions workloads run 32 jobs, each logged in as its own
session (counted on the target's port, and by ringtarget's /metrics), and report their IOPS against one session
at QD32 of the same target and, for ringtarget, each event loop's busy share. The 1 MiB sequential workloads are
set against raw loopback TCP streams of 1 MiB messages (tcp-floor.c stream) measured in the same run: from one
cached buffer, and sent from or received into a span as large as the LUN.

Per run it records fio's IOPS, MB/s and completion-latency percentiles, the target's CPU time per I/O
(utime+stime of the whole process from /proc/PID/stat, sampled at the end of fio's ramp and at the end of the
run), and for ringtarget the bytes allocated by its threads and the GC pauses in the same window (JvmSampler,
through the Attach API, so ringtarget needs no flags). Results: results.md (tables, ratios, goals),
results.json, raw fio JSON, HdrHistogram percentile files and PNG plots of QD1 latency.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from typing import NamedTuple

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.environ.get("RINGTARGET_CACHE") or os.path.join(ROOT, ".cache")
CLK_TCK = os.sysconf("SC_CLK_TCK")
LUN_BYTES = 1 << 30
LOOPBACK = "127.0.0.1"

# CPU list every started process is pinned to (--pin-cpu), empty for none.
PIN_CPUS = ""


def pinned(cmd):
    return ["taskset", "-c", PIN_CPUS] + list(cmd) if PIN_CPUS else list(cmd)


def spdk_core():
    """SPDK's one reactor's CPU (DPDK pins it there itself), and the polling ringtarget's: the first CPU of --pin-cpu,
    or CPU 0."""
    return int(re.match(r"\d+", PIN_CPUS).group()) if PIN_CPUS else 0

RINGTARGET, TGT, ISTGT, SPDK = "ringtarget", "tgt", "istgt", "spdk"
# The same build as ringtarget with its Prometheus endpoint on and scraped once a second while it is measured;
# ringtarget itself runs with --metrics off, so the two compare metrics on against off in one run.
METRICS_VARIANT = RINGTARGET + "+metrics"
# The same build as a polling target, the way SPDK runs: one event loop spinning on its core (demo --loops 1
# --idle-strategy busy) instead of two that sleep when out of work. Idle, it takes that core in full, as SPDK does.
POLL_VARIANT = RINGTARGET + "+poll"
# The same build with --ringtarget-params as its TPG's parameters (demo --parameter KEY=VALUE ...), e.g. a smaller
# FirstBurstLength: what the operational keys a TPG offers change, measured against the defaults in one run.
PARAMS_VARIANT = RINGTARGET + "+params"
# The same build with its RAM LUN in 4 KiB pages (demo --no-huge-pages) instead of its default 2 MiB transparent huge
# pages (as SPDK's malloc bdev lives in hugepages): what the page size does to random I/O's tail, in one run. A block
# LUN is served alike. (Before 2026-12-05 the default was 4 KiB pages and ringtarget+huge the variant.)
SMALL_PAGES_VARIANT = RINGTARGET + "+4k"
# The same build with loops that never poll after their work (demo --idle-spin-micros 0) but sleep in io_uring_enter
# at once: what the default 50 us of polling buys at queue depth 1 and costs at depth, in one run.
NO_SPIN_VARIANT = RINGTARGET + "+nospin"
VARIANTS = (METRICS_VARIANT, POLL_VARIANT, PARAMS_VARIANT, SMALL_PAGES_VARIANT, NO_SPIN_VARIANT)
ALL_TARGETS = (RINGTARGET, TGT, ISTGT, SPDK)
PEERS = (TGT, ISTGT, SPDK)
# An earlier build of ringtarget (--baseline-ref, --baseline-jar) is one more target, named ringtarget@LABEL.
BASELINE_PREFIX = RINGTARGET + "@"
SCRAPE_INTERVAL_S = 1.0
# ringtarget's event loops (demo --loops), ringtarget, ringtarget+metrics and the baseline alike.
LOOPS = 2


def is_ringtarget(name):
    """ringtarget, its metrics variant or its baseline: started, sampled and reported alike."""
    return name == RINGTARGET or name in VARIANTS or name.startswith(BASELINE_PREFIX)


def own_ram_lun(name):
    """Targets whose RAM LUN is their own memory (ringtarget's RAM backstore, SPDK's malloc bdev), not a file."""
    return is_ringtarget(name) or name == SPDK


class Workload:
    """One fio run: jobs fio jobs at queue depth qd each, every job its own iSCSI session (libiscsi logs in per job).
    reference: the single-session workload a many-sessions one is compared with (the same target, the same run).
    think_us: a pause after each I/O (fio's --thinktime), as a client that computes between requests."""

    def __init__(self, name, rw, bs, qd, lat_log=False, jobs=1, reference=None, default=True, think_us=0):
        self.name, self.rw, self.bs, self.qd, self.lat_log = name, rw, bs, qd, lat_log
        self.jobs, self.reference, self.think_us = jobs, reference, think_us
        self.default = default                # run when --workloads names none; else only when named
        self.direction = "read" if rw in ("read", "randread") else "write"


WORKLOADS = [
    Workload("randread-4k-qd1", "randread", "4k", 1, lat_log=True),
    Workload("randwrite-4k-qd1", "randwrite", "4k", 1, lat_log=True),
    Workload("randread-4k-qd32", "randread", "4k", 32),
    Workload("randwrite-4k-qd32", "randwrite", "4k", 32),
    Workload("read-128k-qd8", "read", "128k", 8),
    Workload("write-128k-qd8", "write", "128k", 8),
    # Issue 15, many initiators: 32 sessions at QD4 each (32 fio jobs, 128 commands in flight), set against one
    # session at QD32 of the same target.
    Workload("randread-4k-32sessions-qd4", "randread", "4k", 4, jobs=32, reference="randread-4k-qd32"),
    Workload("randwrite-4k-32sessions-qd4", "randwrite", "4k", 4, jobs=32, reference="randwrite-4k-qd32"),
    # Issue 15, large transfers: against a loopback TCP stream of 1 MiB messages (STREAM_MESSAGE).
    Workload("read-1m-qd4", "read", "1m", 4),
    Workload("write-1m-qd4", "write", "1m", 4),
    # Only when named: the write sizes and depths that TPG parameters (FirstBurstLength, ImmediateData) move.
    Workload("write-64k-qd8", "write", "64k", 8, default=False),
    Workload("write-256k-qd8", "write", "256k", 8, default=False),
    Workload("write-128k-qd1", "write", "128k", 1, lat_log=True, default=False),
    # Only when named: more 1 MiB commands in flight than a loop's registered region holds (32 MiB by default), from
    # one session and from four, which then spill (DataBuffers).
    Workload("write-1m-qd128", "write", "1m", 128, default=False),
    Workload("write-1m-4sessions-qd32", "write", "1m", 32, jobs=4, reference="write-1m-qd128", default=False),
    # Only when named: a QD1 client that pauses 100 us after each read, longer than a loop's default poll window of
    # 50 us, so that a target which stops polling then pays a wake-up per read (docs/benchmarks.md, 2026-12-07 16:03).
    Workload("randread-4k-qd1-think100", "randread", "4k", 1, lat_log=True, default=False, think_us=100),
    # Only when named: the depths between 1 and 32, where whether a loop polls after its work changes sides
    # (ReceiveCoalescing.MIN_LAG: an initiator 12 or more responses behind is the bottleneck).
    Workload("randread-4k-qd8", "randread", "4k", 8, default=False),
    Workload("randwrite-4k-qd8", "randwrite", "4k", 8, default=False),
    Workload("randread-4k-qd16", "randread", "4k", 16, default=False),
    Workload("randwrite-4k-qd16", "randwrite", "4k", 16, default=False),
]


# The exchanges on the wire, for the TCP floor (tcp-floor.c): a READ's 48-byte command and its Data-In with
# status (48 + 4096 bytes), a WRITE's command with immediate data (48 + 4096) and its 48-byte response; at QD1 (the
# client waits for each response) and at QD32 (32 outstanding, tcp-floor's "depth" mode: the server answers every
# request of one recv with one send, the cheapest batching plain syscalls allow).
FLOOR_PATTERNS = [("randread-4k-qd1", 48, 4144, 1), ("randwrite-4k-qd1", 4144, 48, 1),
                  ("randread-4k-qd32", 48, 4144, 32), ("randwrite-4k-qd32", 4144, 48, 32)]
FLOOR_REQUESTS = 20000
# At QD1 the server sleeps in recv or polls; the client talks either plainly (one send, one recv) or as libiscsi does
# (tcp-floor's "split": a poll() before each send and each wait, a header and its data in two sends or two receives).
# The floor is the cheapest of the four; the split ones say what libiscsi's way of talking costs a server here.
QD1_FLOOR_MODES = ("sleep", "poll", "sleep-split", "poll-split")
FLOOR_REQUESTS_DEPTH = 200000
# The 128 KiB exchanges at QD8 as libiscsi sends them (tcp-floor's "depth ... split span"): the do-nothing server
# receives each WRITE's data into, and sends each READ's from, successive places of LUN_BYTES in 2 MiB pages, as a
# target must a RAM LUN's. A write's data is then stored into memory and a read's only loaded from it: the floor
# under the write CPU ≤ read CPU goal.
SPAN_FLOOR_PATTERNS = [("read-128k-qd8", 48, 48 + (128 << 10), 8), ("write-128k-qd8", 48 + (128 << 10), 48, 8)]
FLOOR_REQUESTS_SPAN = 40000
# The large-transfer ceiling (tcp-floor.c stream): one loopback connection carrying 1 MiB messages back to back,
# measured before each repetition when a 1 MiB workload runs; as issue 15 names it, from one buffer that stays in the
# CPU's caches ("cached"), and through a LUN-sized span as a target's transfers go: sent from successive places of
# LUN_BYTES ("send-span", a sequential read from a RAM LUN) and received into them ("receive-span", a write into it).
STREAM_MESSAGE = 1 << 20
STREAM_WORKLOADS = ("read-1m-qd4", "write-1m-qd4")
STREAM_SECONDS = 3
# The host's stalls (tcp-floor.c stalls): a thread spinning on each CPU for this long, before each repetition.
STALL_SECONDS = 3
STREAM_SPANS = ("cached", "send-span", "receive-span")
# The span a 1 MiB workload's data takes through memory on the target's side.
STREAM_SPAN_OF = {"read-1m-qd4": "send-span", "write-1m-qd4": "receive-span"}
# How long before the end of a many-sessions window its sessions and loop busy times are read the second time.
SESSIONS_READ_LEAD_S = 0.5
# How long the 32 sessions of a many-sessions run may take to log in (istgt takes one login a second).
LOGINS_TIMEOUT_S = 90


def log(msg):
    print(f"[bench {datetime.datetime.now(datetime.timezone.utc).strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd, check=True, timeout=120, **kw):
    return subprocess.run(cmd, check=check, timeout=timeout, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


def port_free(port):
    with socket.socket() as s:
        # As a server binds: a port whose old connections linger in TIME_WAIT is free to listen on.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((LOOPBACK, port))
            return True
        except OSError:
            return False


def pick_ports(base, n):
    """base, base+1, ... when free (3260.. by default); otherwise free ports the kernel picks."""
    wanted = [base + i for i in range(n)]
    if all(port_free(p) for p in wanted):
        return wanted
    ports = []
    for _ in range(n):
        with socket.socket() as s:
            s.bind((LOOPBACK, 0))
            ports.append(s.getsockname()[1])
    log(f"ports {wanted} are not all free; using {ports}")
    return ports


def wait_listening(port, deadline, proc):
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((LOOPBACK, port)) == 0:
                return True
        time.sleep(0.2)
    return False


def established_to(port):
    """True when some TCP connection to LOOPBACK:port is ESTABLISHED (fio has logged in)."""
    return connections_to(port) > 0


def connections_to(port):
    """The client ends of the ESTABLISHED TCP connections to LOOPBACK:port: one per fio job (libiscsi logs each job
    in with one connection), so the number of sessions fio has open on a target, whatever the target."""
    hexport = f"{port:04X}"
    n = 0
    try:
        # In one read(2) as large as the table: the kernel resumes a read of /proc/net/tcp from where the last one
        # stopped by counting entries again, so with sockets coming and going between reads (TIME_WAITs expiring)
        # lines of a 4 KiB-buffered read can be skipped (2026-12-05 23:37: 32 sessions logged in and seen as 25).
        fd = os.open("/proc/net/tcp", os.O_RDONLY)
        try:
            chunks = []
            while True:
                chunk = os.read(fd, 8 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(fd)
        for line in b"".join(chunks).decode().splitlines()[1:]:
            parts = line.split()
            if parts[2].endswith(":" + hexport) and parts[3] == "01":
                n += 1
    except OSError:
        pass
    return n


METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
METRIC_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def read_metrics(url, names):
    """The samples of the families in names from a Prometheus text exposition: {name: {label tuple: value}}.
    A counter may be exposed with _total appended; it is filed under the name asked for."""
    with urllib.request.urlopen(url, timeout=5) as r:
        text = r.read().decode()
    out = {n: {} for n in names}
    for line in text.splitlines():
        m = METRIC_LINE.match(line)
        if not m:
            continue
        name = m.group(1)
        if name not in out and name.endswith("_total") and name[:-6] in out:
            name = name[:-6]
        if name in out:
            out[name][tuple(METRIC_LABEL.findall(m.group(2) or ""))] = float(m.group(3))
    return out


LOOP_BUSY, SESSIONS = "ringtarget_loop_busy_seconds", "ringtarget_sessions"


def proc_cpu_ticks(pid):
    """utime + stime of the whole process (all threads, live and exited) in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])      # fields 14 and 15 of proc(5), counted after "(comm)"


def open_flags(pid, path):
    """The open(2) flags of the process's descriptors on path (resolved), or [] when it has none open."""
    flags = []
    real = os.path.realpath(path)
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.path.realpath(os.readlink(f"/proc/{pid}/fd/{fd}")) == real:
                    with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                        m = re.search(r"^flags:\s+([0-7]+)", f.read(), re.M)
                        if m:
                            flags.append(int(m.group(1), 8))
            except OSError:
                continue
    except OSError:
        pass
    return flags


O_DIRECT = 0o40000


def first_error(build_log):
    """The first compiler/Maven error of a build log, for the "not available" line."""
    try:
        with open(build_log, errors="replace") as f:
            for line in f:
                if line.startswith("[ERROR]") and line[7:].strip():
                    return line[7:].strip()[:200] + f" (log: {build_log})"
    except OSError:
        pass
    return f"see {build_log}"


def build_log_tail(path):
    """The last lines of a build log, for the "not available" line."""
    try:
        with open(path, errors="replace") as f:
            return f.read()[-300:].strip().replace("\n", " | ") + f" (log: {path})"
    except OSError:
        return f"see {path}"


def escape_fio(url):
    # fio splits --filename on ':'; the libiscsi engine wants the colons of the URL escaped.
    return url.replace(":", "\\:")


# ---------------------------------------------------------------------------------------------------------
# Backstores


# Where the file under each kind's loop device lives: /var/tmp is the VM's virtual disk; /dev/shm is tmpfs, so the
# shm LUN is a block device (ringtarget's block backstore, O_DIRECT) that no disk's noise reaches. On this kernel
# (6.18) a loop device over a tmpfs file takes direct I/O (tmpfs accepts O_DIRECT opens): the loop driver then
# hands each request to tmpfs without a page cache of its own in between; for_target checks that it did.
LOOP_DIRS = {"loop": "/var/tmp", "shm": "/dev/shm"}
BACKSTORES = ("ram",) + tuple(LOOP_DIRS)


class Backstore:
    """Per target: a 1 GiB tmpfs file (ram; none for ringtarget and SPDK, which serve their own memory) or a loop
    device with direct I/O over a file in /var/tmp (loop) or in /dev/shm (shm). close() detaches and removes all of
    them; Bench calls it in a finally, so also on a failure or an interrupt."""

    def __init__(self, kind, workdir):
        self.kind, self.workdir = kind, workdir
        self.files, self.loops = [], []

    def for_target(self, target):
        if self.kind == "ram":
            if own_ram_lun(target):
                return None                          # ringtarget's RAM backstore (--size), SPDK's malloc bdev
            path = f"/dev/shm/ringtarget-bench-{os.getpid()}-{target}.img"
            self._create(path)
            return path
        path = os.path.join(LOOP_DIRS[self.kind], f"ringtarget-bench-{os.getpid()}-{self.kind}-{target}.img")
        self._create(path)
        dev = run(["losetup", "--direct-io=on", "--show", "-f", path]).stdout.strip()
        self.loops.append(dev)
        dio = open(f"/sys/block/{os.path.basename(dev)}/loop/dio").read().strip()
        if dio != "1":
            raise RuntimeError(f"{dev}: the kernel did not enable direct I/O on the loop device (dio={dio})")
        return dev

    def _create(self, path):
        with open(path, "wb") as f:
            f.truncate(LUN_BYTES)
        self.files.append(path)

    def close(self):
        for dev in self.loops:
            subprocess.run(["losetup", "-d", dev], check=False)
        # A device attached just before an interrupt, before for_target could note it: found by its backing file.
        for path in self.files:
            r = subprocess.run(["losetup", "-j", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            for line in r.stdout.splitlines():
                subprocess.run(["losetup", "-d", line.split(":", 1)[0]], check=False)
        for path in self.files:
            try:
                os.unlink(path)
            except OSError:
                pass
        self.loops, self.files = [], []


# ---------------------------------------------------------------------------------------------------------
# Targets


class Target:
    name = "?"
    iqn = "?"
    lun = 0
    stop_grace_s = 15

    def __init__(self, port, workdir):
        self.port, self.workdir = port, workdir
        self.proc = None
        self.device = None
        self.available = True
        self.reason = ""
        self.frozen = False
        self.logfile = None
        self.kind = ""                        # the backstore kind it serves (Bench.start_all)

    def metrics_url(self):
        """Where the target's Prometheus metrics are read at the edges of a measurement window, or None."""
        return None

    @property
    def pid(self):
        return self.proc.pid

    def url(self):
        return f"iscsi://{LOOPBACK}:{self.port}/{self.iqn}/{self.lun}"

    def spawn(self, cmd, env=None):
        cmd = pinned(cmd)
        self.logfile = os.path.join(self.workdir, f"{self.name}.log")
        out = open(self.logfile, "ab")
        out.write(f"\n$ {' '.join(shlex.quote(c) for c in cmd)}\n".encode())
        out.flush()
        # Own session and process group: stopped by PID/group, never by name.
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, env=env)
        out.close()

    def start(self, device):
        raise NotImplementedError

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        if not wait_listening(self.port, deadline, self.proc):
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with status {self.proc.returncode}")
            raise RuntimeError(f"{self.name} does not listen on {LOOPBACK}:{self.port} after {timeout}s")
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with status {self.proc.returncode}")
            r = subprocess.run(["iscsi-readcapacity16", self.url()], text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=30)
            last = r.stdout.strip()
            m = re.search(r"Total size:\s*(\d+)", last)
            if r.returncode == 0 and m:
                size = int(m.group(1))
                if size < LUN_BYTES // 2:
                    raise RuntimeError(f"{self.name}: LUN is {size} bytes")
                return size
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}: iscsi-readcapacity16 {self.url()} failed: {last[-300:]}")

    def freeze(self):
        if self.proc and self.proc.poll() is None and not self.frozen:
            os.kill(self.pid, signal.SIGSTOP)
            self.frozen = True

    def thaw(self):
        if self.proc and self.frozen:
            os.kill(self.pid, signal.SIGCONT)
            self.frozen = False

    def stop(self):
        if not self.proc:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGCONT)
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=self.stop_grace_s)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        # Anything left in the group (helper children) goes too.
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc = None
        self.frozen = False

    def direct_io(self):
        """How the target holds its backing file or device open, from /proc/PID/fdinfo flags."""
        if self.device is None:
            return "n/a (RAM)"
        flags = open_flags(self.pid, self.device)
        if not flags:
            return "unknown (not open)"
        direct = sum(1 for f in flags if f & O_DIRECT)
        if direct == len(flags):
            return "yes"
        return "no" if direct == 0 else f"{direct} of {len(flags)} descriptors"


class TgtTarget(Target):
    name = TGT
    iqn = "iqn.2026-11.io.ringtarget.bench:tgt"
    lun = 1                                   # LUN 0 is tgt's controller LUN
    stop_grace_s = 2                          # tgtd ignores SIGTERM while it has targets; then SIGKILL

    def start(self, device):
        self.device = device
        # -C: a private control socket (/var/run/tgtd/socket.N), so this tgtd does not clash with others.
        self.control = str(20000 + os.getpid() % 10000)
        self.spawn(["tgtd", "-f", "-C", self.control, "--iscsi", f"portal={LOOPBACK}:{self.port}"])
        deadline = time.monotonic() + 15
        adm = ["tgtadm", "-C", self.control, "--lld", "iscsi"]
        while True:
            r = subprocess.run(adm + ["--op", "show", "--mode", "target"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            if r.returncode == 0:
                break
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"tgtd control socket not ready: {r.stdout.strip()}")
            time.sleep(0.2)
        run(adm + ["--op", "new", "--mode", "target", "--tid", "1", "-T", self.iqn])
        lu = adm + ["--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "-b", device]
        if device.startswith("/dev/loop"):
            lu += ["--bsoflags", "direct"]
        run(lu)
        run(adm + ["--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL"])


class IstgtTarget(Target):
    name = ISTGT
    iqn = "iqn.2026-11.io.ringtarget.bench:istgt"
    lun = 0

    def start(self, device):
        self.device = device
        conf = os.path.join(self.workdir, "istgt.conf")
        auth = os.path.join(self.workdir, "istgt-auth.conf")
        media = os.path.join(self.workdir, "istgt-media")
        os.makedirs(media, exist_ok=True)
        open(auth, "w").close()
        size = "Auto" if device.startswith("/dev/") and not device.startswith("/dev/shm/") else "1GB"
        with open(conf, "w") as f:
            f.write(f"""[Global]
  NodeBase "iqn.2026-11.io.ringtarget.bench"
  PidFile {self.workdir}/istgt.pid
  AuthFile {auth}
  MediaDirectory {media}
  LogFacility "local7"
  Timeout 30
  NopInInterval 20
  DiscoveryAuthMethod None
  MaxSessions 64
  MaxConnections 4
  MaxR2T 32
  MaxOutstandingR2T 16
  DefaultTime2Wait 2
  DefaultTime2Retain 60
  FirstBurstLength 262144
  MaxBurstLength 1048576
  MaxRecvDataSegmentLength 262144
  InitialR2T Yes
  ImmediateData Yes
  DataPDUInOrder Yes
  DataSequenceInOrder Yes
  ErrorRecoveryLevel 0

[UnitControl]
  AuthMethod None

[PortalGroup1]
  Portal DA1 {LOOPBACK}:{self.port}

[InitiatorGroup1]
  InitiatorName "ALL"
  Netmask 127.0.0.0/8

[LogicalUnit1]
  TargetName istgt
  Mapping PortalGroup1 InitiatorGroup1
  AuthMethod None
  UseDigest Auto
  UnitType Disk
  LUN0 Storage {device} {size}
""")
        self.spawn(["istgt", "-c", conf, "-D"])


def meminfo(key):
    """A field of /proc/meminfo (its number: pages for HugePages_*, kB for sizes)."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


NR_HUGEPAGES = "/proc/sys/vm/nr_hugepages"


class SpdkTarget(Target):
    """SPDK's iscsi_tgt (bench/scripts/build-spdk.sh) with a 1 GiB malloc bdev as LUN 0 (RAM LUN), or an aio bdev
    over the loop device (loop and shm LUNs: Linux AIO with O_DIRECT), on one core (-m) without PCI devices. DPDK's
    memory comes from 2 MiB hugepages when the kernel can give them (vm.nr_hugepages is raised and a hugetlbfs
    mounted under the work directory for the run, both undone when it stops) and from ordinary memory (--no-huge)
    otherwise. Its reactor polls: the process takes a full core whenever it is not stopped."""
    name = SPDK
    iqn = "iqn.2026-11.io.ringtarget.bench:spdk"
    lun = 0
    mem_mb = 2048                           # DPDK memory (-s): the malloc bdev, SPDK's buffer pools and the rest

    def __init__(self, port, workdir, spdk_dir):
        super().__init__(port, workdir)
        self.spdk_dir = spdk_dir
        self.hugepages_orig = None          # vm.nr_hugepages before start() raised it
        self.huge_dir = None                # the hugetlbfs start() mounted
        self.memory = ""                    # how DPDK got its memory, for the report

    def start(self, device):
        self.device = device
        rundir = os.path.join(self.workdir, f"spdk-{self.port}")
        os.makedirs(rundir, exist_ok=True)
        conf = os.path.join(rundir, "iscsi.json")
        block = 512
        lib = os.path.join(self.spdk_dir, "build", "lib")
        if device is not None and not any(f.startswith("libspdk_bdev_aio.") for f in os.listdir(lib)):
            raise RuntimeError("this SPDK build has no aio bdev (libspdk_bdev_aio), only the malloc bdev of the RAM "
                               "LUN: built by a build-spdk.sh from before module/bdev/aio, rebuild it")
        if device is None:
            bdev = {"method": "bdev_malloc_create",
                    "params": {"name": "Lun0", "block_size": block, "num_blocks": LUN_BYTES // block}}
        else:
            bdev = {"method": "bdev_aio_create", "params": {"name": "Lun0", "filename": device, "block_size": block}}
        with open(conf, "w") as f:
            json.dump({"subsystems": [
                {"subsystem": "bdev", "config": [bdev]},
                {"subsystem": "iscsi", "config": [
                    {"method": "iscsi_set_options",
                     "params": {"disable_chap": True, "max_queue_depth": 128, "max_sessions": 128,
                                "max_connections_per_session": 2}},
                    {"method": "iscsi_create_portal_group",
                     "params": {"tag": 1, "portals": [{"host": LOOPBACK, "port": str(self.port)}]}},
                    {"method": "iscsi_create_initiator_group",
                     "params": {"tag": 1, "initiators": ["ANY"], "netmasks": [f"{LOOPBACK}/32"]}},
                    {"method": "iscsi_create_target_node",
                     "params": {"name": self.iqn, "alias_name": "spdk", "pg_ig_maps": [{"pg_tag": 1, "ig_tag": 1}],
                                "luns": [{"bdev_name": "Lun0", "lun_id": 0}], "queue_depth": 128,
                                "disable_chap": True}}]}]}, f, indent=1)
        cmd = [os.path.join(self.spdk_dir, "build", "bin", "iscsi_tgt"), "-m", hex(1 << spdk_core()), "--no-pci",
               "--disable-cpumask-locks", "-r", os.path.join(rundir, "spdk.sock"), "--json", conf]
        cmd += self.memory_args(rundir)
        self.spawn(cmd, env=dict(os.environ, LD_LIBRARY_PATH=lib + os.pathsep + os.environ.get("LD_LIBRARY_PATH", "")))

    def memory_args(self, rundir):
        """Hugepages when they can be had, else --no-huge; the same -s either way."""
        need = self.mem_mb // 2 + 64                       # 2 MiB pages: -s and some slack
        try:
            if meminfo("Hugepagesize") != 2048:
                raise RuntimeError("the default hugepage size is not 2 MiB")
            free = meminfo("HugePages_Free")
            if free < need:
                with open(NR_HUGEPAGES) as f:
                    self.hugepages_orig = int(f.read())
                with open(NR_HUGEPAGES, "w") as f:
                    f.write(str(self.hugepages_orig + need - free))
                free = meminfo("HugePages_Free")
            if free < need:
                raise RuntimeError(f"the kernel gave {free} of the {need} free hugepages needed")
            d = os.path.join(rundir, "hugepages")
            os.makedirs(d, exist_ok=True)
            run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev", d])
            self.huge_dir = d
            self.memory = f"hugepages ({need} × 2 MiB reserved for it)"
            # --huge-unlink: the hugepage files go once mapped, so the pages return when the process ends.
            return ["--huge-dir", d, "--huge-unlink", "-s", str(self.mem_mb)]
        except (OSError, KeyError, RuntimeError, subprocess.CalledProcessError) as e:
            why = e.stdout.strip() if isinstance(e, subprocess.CalledProcessError) else str(e)
            self.release_memory()
            self.memory = f"--no-huge (no hugepages: {why})"
            return ["--no-huge", "-s", str(self.mem_mb)]

    def release_memory(self):
        """Unmounts the hugetlbfs and puts vm.nr_hugepages back as start() found it."""
        if self.huge_dir:
            subprocess.run(["umount", self.huge_dir], check=False)
            try:
                os.rmdir(self.huge_dir)
            except OSError:
                pass
            self.huge_dir = None
        if self.hugepages_orig is not None:
            try:
                with open(NR_HUGEPAGES, "w") as f:
                    f.write(str(self.hugepages_orig))
            except OSError as e:
                log(f"spdk: could not restore vm.nr_hugepages to {self.hugepages_orig}: {e}")
            self.hugepages_orig = None

    def stop(self):
        pid = self.proc.pid if self.proc else None
        super().stop()
        if pid:
            # What a killed iscsi_tgt leaves behind: DPDK's runtime directory and SPDK's trace file.
            shutil.rmtree(f"/var/run/dpdk/spdk_pid{pid}", ignore_errors=True)
            try:
                os.rmdir("/var/run/dpdk")
            except OSError:
                pass
            try:
                os.unlink(f"/dev/shm/iscsi_trace.pid{pid}")
            except OSError:
                pass
        self.release_memory()


class LauncherJvm(NamedTuple):
    """What ./ringtarget in a tree gives the JVM of a target (bin/jvm-env.sh): variables and options."""
    env: dict
    opts: list


NO_LAUNCHER_JVM = LauncherJvm({}, [])


class RingtargetTarget(Target):
    name = RINGTARGET
    iqn = "iqn.2026-11.io.ringtarget:demo"
    lun = 0

    def __init__(self, port, workdir, java_home, sampler_cp, jar, name=RINGTARGET, metrics_port=None, params=(),
                 jvm=NO_LAUNCHER_JVM):
        super().__init__(port, workdir)
        self.java_home, self.sampler_cp, self.jar = java_home, sampler_cp, jar
        self.jvm = jvm                        # what its launcher would give the JVM (launcher_jvm)
        self.params = params                  # ringtarget+params: its TPG's parameters, KEY=VALUE
        self.name = name                      # ringtarget, ringtarget+metrics, or ringtarget@LABEL for the baseline
        # ringtarget and ringtarget+metrics: where /metrics is served (the baseline's commit may not have it).
        self.metrics_port = metrics_port
        self.sampler = None
        self.gc_log = None

    def scrape_url(self):
        """ringtarget+metrics: scraped every SCRAPE_INTERVAL_S while it is measured."""
        return self.metrics_url() if self.name == METRICS_VARIANT else None

    def metrics_url(self):
        return f"http://{LOOPBACK}:{self.metrics_port}/metrics" if self.metrics_port else None

    def start(self, device):
        self.device = device
        self.gc_log = os.path.join(self.workdir, f"{self.name}-gc-{self.kind or 'ram'}.log")
        # The jar run-bench.sh copied after building (or the baseline's, built from its own commit): a rebuild
        # in the checkout during the run (others work in it) cannot change what is measured, and the launcher
        # cannot start a build in the middle of it. ringtarget and its baseline start alike: the same JVM flags
        # as the ./ringtarget launcher, plus a GC log kept with the results (the GC figures themselves come
        # from JvmSampler), and the same demo arguments.
        cmd = [os.path.join(self.java_home, "bin", "java"), "--enable-native-access=ALL-UNNAMED",
               "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"]
        if self.name == POLL_VARIANT:
            # The whole process on the core SPDK's reactor gets (spdk_core), as SPDK's -m confines it, so that the two
            # polling targets run in the same shape (the scheduler no longer moves the spinning loop onto fio's CPU).
            cmd = ["taskset", "-c", str(spdk_core())] + cmd
        cmd += self.jvm.opts + shlex.split(os.environ.get("RINGTARGET_JAVA_OPTS", ""))
        cmd += [f"-Xlog:gc*:file={self.gc_log}:utctime,uptime", "-jar", self.jar,
                "demo", "--portal", f"{LOOPBACK}:{self.port}"]
        cmd += ["--backstore", device] if device else ["--size", "1G"]
        # Two event loops whatever the CPUs (--pin-cpu can leave it one, and the demo's default is one per CPU):
        # the many-sessions workloads report how the sessions spread over them.
        cmd += ["--loops", "1", "--idle-strategy", "busy"] if self.name == POLL_VARIANT else ["--loops", str(LOOPS)]
        # tgt reports a volatile write cache (WCE=1 in its caching mode page) and does not flush after each write;
        # ringtarget's default is write-through (every write FUA, a flush on a device without FUA), so it is told
        # to report the cache too and both give the initiator the same promise.
        cmd += ["--write-cache"]
        if self.name == PARAMS_VARIANT:
            for kv in self.params:
                cmd += ["--parameter", kv]
        if self.name == SMALL_PAGES_VARIANT and not device:
            cmd += ["--no-huge-pages"]
        if self.name == NO_SPIN_VARIANT:
            cmd += ["--idle-spin-micros", "0"]
        # This build's demo serves metrics on 127.0.0.1:9287 by default: ringtarget and ringtarget+metrics serve them
        # on a loopback port of their own. ringtarget's are read only at the edges of a many-sessions window (its
        # sessions and its loops' busy time; the loops count whether or not anything reads them), ringtarget+metrics'
        # every second. A baseline is started as its commit starts (no such option before it).
        if self.metrics_port:
            cmd += ["--metrics", f"{LOOPBACK}:{self.metrics_port}"]
        self.spawn(cmd, env={**os.environ, **self.jvm.env})

    def wait_ready(self, timeout):
        size = super().wait_ready(timeout)
        with open(f"/proc/{self.pid}/comm") as f:
            comm = f.read().strip()
        if comm != "java":
            raise RuntimeError(f"ringtarget PID {self.pid} is '{comm}', not the JVM")
        self.sampler = subprocess.Popen([os.path.join(self.java_home, "bin", "java"), "-cp", self.sampler_cp,
                                         "io.ringtarget.bench.harness.JvmSampler", str(self.pid)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        start_new_session=True)
        ready = self.sampler.stdout.readline().strip()
        if ready != "ready":
            raise RuntimeError(f"JvmSampler could not attach to PID {self.pid}: {ready!r}")
        return size

    def jvm_gc(self):
        """A collection in the target (JvmSampler's "gc"), so that a measured window starts with an empty eden: the
        sampler's own allocation in the target and fio's logins would otherwise bring a young pause into whichever
        window their garbage fills the eden in (docs/benchmarks.md, 2026-12-07 11:40 and 12:10)."""
        if not self.sampler:
            return
        line = self._ask_sampler("gc")
        if line != "gc":
            raise RuntimeError(f"JvmSampler answered {line!r} to gc")

    def jvm_sample(self):
        if not self.sampler:
            return None
        line = self._ask_sampler("")
        return {k: int(v) for k, v in (kv.split("=") for kv in line.split())}

    def _ask_sampler(self, request):
        """One line to JvmSampler, its one-line answer."""
        self.sampler.stdin.write(request + "\n")
        self.sampler.stdin.flush()
        return self.sampler.stdout.readline().strip()

    def stop(self):
        if self.sampler:
            try:
                self.sampler.stdin.close()
                self.sampler.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.sampler.kill()
                self.sampler.wait()
            self.sampler = None
        super().stop()


# ---------------------------------------------------------------------------------------------------------
# fio


def fio_cmd(fio, target, name, rw, bs, qd, out_json, runtime=None, ramp=None, size=None, lat_prefix=None, jobs=1,
            think_us=0):
    cmd = [fio, f"--name={name}", "--ioengine=libiscsi", f"--filename={escape_fio(target.url())}",
           f"--rw={rw}", f"--bs={bs}", f"--iodepth={qd}", f"--numjobs={jobs}", "--norandommap", "--randrepeat=0",
           "--percentile_list=50:90:99:99.9:99.99", "--output-format=json", f"--output={out_json}"]
    if jobs > 1:
        # Each job is a process of its own with its own libiscsi context: its own login, its own session. One
        # report for all of them (IOPS summed, latencies merged).
        cmd += ["--group_reporting"]
    if runtime:
        cmd += ["--time_based", f"--runtime={runtime}", f"--ramp_time={ramp}"]
    if size:
        cmd += [f"--size={size}"]
    if think_us:
        cmd += [f"--thinktime={think_us}", "--thinktime_blocks=1"]
    if lat_prefix:
        # One line per I/O (no averaging): the HdrHistogram plot wants every completion latency.
        cmd += [f"--write_lat_log={lat_prefix}", "--log_avg_msec=0"]
    return cmd


def parse_fio(path, direction, jobs=1):
    with open(path) as f:
        text = f.read()
    # fio may print notes before the JSON document.
    doc = json.loads(text[text.index("{"):])
    job = doc["jobs"][0]
    if job.get("error"):
        raise RuntimeError(f"fio job error {job['error']} in {path}")
    d = job[direction]
    clat = d["clat_ns"]
    pct = clat.get("percentile", {})

    def p(key):
        return pct.get(key, 0) / 1000.0

    return {
        "iops": d["iops"], "mbps": d["bw_bytes"] / 1e6, "ios": d["total_ios"],
        "mean_us": clat["mean"] / 1000.0, "p50_us": p("50.000000"), "p99_us": p("99.000000"),
        "p99_9_us": p("99.900000"), "p99_99_us": p("99.990000"), "max_us": clat["max"] / 1000.0,
        # With --group_reporting fio's usr/sys_cpu are its jobs' CPU times over their summed run times, the mean
        # per job: times the jobs, all of fio's CPU (100 = one core).
        "client_cpu_pct": (job["usr_cpu"] + job["sys_cpu"]) * jobs,
    }


# ---------------------------------------------------------------------------------------------------------
# The run


class Scraper:
    """Fetches /metrics every SCRAPE_INTERVAL_S on a thread of its own, as a Prometheus server would, while a run of
    ringtarget+metrics lasts (ramp included), so that the cost of answering scrapes is inside the measurement."""

    def __init__(self, url, interval=SCRAPE_INTERVAL_S):
        self.url, self.interval, self.ok, self.failed, self.bytes, self.error = url, interval, 0, 0, 0, ""
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.loop, name="scraper", daemon=True)
        self.thread.start()

    def loop(self):
        while not self.done.is_set():
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=5) as r:
                    self.bytes += len(r.read())
                self.ok += 1
            except OSError as e:
                self.failed += 1
                self.error = str(e)
            self.done.wait(max(0.0, self.interval - (time.monotonic() - t0)))

    def stop(self):
        self.done.set()
        self.thread.join(timeout=10)


class Bench:
    def __init__(self, args):
        self.args = args
        self.out = args.out
        # Scratch (target logs and configs, fio's per-I/O latency logs) stays out of the results directory.
        self.workdir = os.path.join(ROOT, ".cache", "bench",
                                    "work-" + datetime.datetime.now().strftime("%Y%m%dT%H%M%S"))
        os.makedirs(self.workdir, exist_ok=True)
        self.targets = {}
        self.unavailable = {}      # {target: {lun kind: reason}}
        self.samples = []          # one dict per measured run
        self.floor = []            # tcp-floor results, one per QD1 pattern and repetition
        self.stream = []           # tcp-floor stream results, one per repetition and span
        self.stalls = []           # tcp-floor stalls results, one per repetition and CPU
        self.idle = []             # idle CPU, one per LUN kind, target and repetition
        self.meta = {"direct_io": {}, "prefill": {}, "spdk_memory": {}}
        self.backstore = None
        self.ports = pick_ports(args.base_port, len(args.targets))

    # -- lifecycle

    def make_targets(self, ports):
        made = {}
        for name, port in zip(self.args.targets, ports):
            if name == TGT:
                made[name] = TgtTarget(port, self.workdir)
            elif name == ISTGT:
                made[name] = IstgtTarget(port, self.workdir)
            elif name == SPDK:
                made[name] = SpdkTarget(port, self.workdir, self.args.spdk_dir)
            else:
                base = name.startswith(BASELINE_PREFIX)
                jar = self.args.baseline_jar if base else self.args.ringtarget_jar
                metrics_port = pick_ports(port + 6000, 1)[0] if name == RINGTARGET or name in VARIANTS else None
                made[name] = RingtargetTarget(port, self.workdir, self.args.java_home, self.args.sampler_cp,
                                              jar, name, metrics_port, self.args.ringtarget_params,
                                              self.args.baseline_jvm if base else self.args.ringtarget_jvm)
        return made

    def start_all(self, kind):
        self.backstore = Backstore(kind, self.workdir)
        self.targets = self.make_targets(self.ports)
        for name, t in list(self.targets.items()):
            try:
                if (name == RINGTARGET or name in VARIANTS) and not self.args.ringtarget_built:
                    raise RuntimeError(f"./ringtarget build failed: {first_error(self.args.ringtarget_build_log)}")
                if name == self.args.baseline_name and self.args.baseline_error:
                    raise RuntimeError(self.args.baseline_error)
                if name == SPDK and not self.args.spdk_dir:
                    raise RuntimeError(f"bench/scripts/build-spdk.sh failed: {build_log_tail(self.args.spdk_build_log)}")
                t.kind = kind
                t.start(self.backstore.for_target(name))
                # DPDK's start-up (reserving and touching its memory) takes a while without hugepages.
                size = t.wait_ready(self.args.start_timeout if is_ringtarget(name) or name == SPDK else 20)
                if name == SPDK:
                    self.meta["spdk_memory"][kind] = t.memory
                log(f"{kind}: {name} ready on port {t.port} (pid {t.pid}, {size} bytes, {t.url()})"
                    + (f", memory: {t.memory}" if name == SPDK else ""))
            except Exception as e:         # a target that cannot serve is reported, the others still run
                reason = f"{e}"
                if t.logfile and os.path.exists(t.logfile):
                    with open(t.logfile, errors="replace") as f:
                        tail = f.read()[-400:].strip().replace("\n", " | ")
                    reason += f" (log: ...{tail})"
                log(f"{kind}: {name} NOT AVAILABLE: {reason}")
                self.unavailable.setdefault(name, {})[kind] = reason
                t.stop()
                del self.targets[name]

    def stop_all(self):
        for t in self.targets.values():
            t.stop()
        self.targets = {}
        if self.backstore:
            self.backstore.close()
            self.backstore = None

    def freeze_others(self, current):
        if self.args.no_freeze:
            return
        for name, t in self.targets.items():
            if name == current:
                t.thaw()
            else:
                t.freeze()
        time.sleep(0.1)

    # -- measurements

    def drop(self, name, kind, e):
        """A target that fails mid-run is reported not available; the others go on."""
        t = self.targets.pop(name)
        reason = f"{e}"
        log(f"{kind}: {name} NOT AVAILABLE: {reason}")
        self.unavailable.setdefault(name, {})[kind] = reason
        t.stop()

    def prefill(self, kind):
        """Writes every LUN once: allocates tmpfs pages / real blocks, and is the JIT warm-up of ringtarget."""
        for name in list(self.targets):
            t = self.targets[name]
            self.freeze_others(name)
            js = os.path.join(self.workdir, f"prefill-{kind}-{name}.json")
            t0 = time.monotonic()
            # The prefill is the JIT warm-up of the I/O path; of ringtarget+metrics' scrape path too, scraped 5 times
            # a second meanwhile, so that the measured runs see a scrape compiled as a long-running target does.
            scraper = Scraper(t.scrape_url(), 0.2) if isinstance(t, RingtargetTarget) and t.scrape_url() else None
            try:
                r = subprocess.run(fio_cmd(self.args.fio, t, "prefill", "write", "128k", 8, js, size="100%"),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
            finally:
                if scraper:
                    scraper.stop()
                    log(f"{kind}: {scraper.ok} scrapes of {name} during its prefill")
            if r.returncode != 0:
                self.drop(name, kind, f"prefill (fio write) failed: {r.stdout.strip()[-300:]}")
                continue
            self.meta["prefill"][f"{kind}/{name}"] = round(time.monotonic() - t0, 1)
            self.meta["direct_io"][f"{kind}/{name}"] = t.direct_io()
            log(f"{kind}: prefilled {name} in {time.monotonic() - t0:.1f}s (O_DIRECT: {t.direct_io()})")

    def measure(self, kind, w, name, rep):
        t = self.targets[name]
        self.freeze_others(name)
        d = os.path.join(self.out, "fio", kind, w.name)
        os.makedirs(d, exist_ok=True)
        js = os.path.join(d, f"{name}-rep{rep}.json")
        lat_prefix = None
        if w.lat_log:
            lat_prefix = os.path.join(self.workdir, "lat", kind, w.name, f"{name}-rep{rep}")
            os.makedirs(os.path.dirname(lat_prefix), exist_ok=True)
        cmd = fio_cmd(self.args.fio, t, w.name, w.rw, w.bs, w.qd, js, self.args.runtime, self.args.ramp,
                      lat_prefix=lat_prefix, jobs=w.jobs, think_us=w.think_us)
        errlog = open(os.path.join(self.workdir, "fio-stderr.log"), "a")
        fio = subprocess.Popen(pinned(cmd), stdout=errlog, stderr=subprocess.STDOUT, start_new_session=True)
        errlog.close()
        scraper = Scraper(t.scrape_url()) if isinstance(t, RingtargetTarget) and t.scrape_url() else None
        sessions = {}
        try:
            # The measurement window is fio's: from the end of its ramp to the end of its runtime, counted
            # from the moment its iSCSI connection is up. With several jobs, from the moment the last of them is:
            # fio starts a job's I/O (and its ramp) only once every job has set up, here logged in.
            deadline = time.monotonic() + 20
            while not established_to(t.port):
                if fio.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"fio did not connect to {name}")
                time.sleep(0.005)
            deadline = time.monotonic() + LOGINS_TIMEOUT_S
            while w.jobs > 1 and connections_to(t.port) < w.jobs and fio.poll() is None \
                    and time.monotonic() < deadline:
                time.sleep(0.005)
            t_conn = time.monotonic()
            if isinstance(t, RingtargetTarget):
                # Halfway through the ramp, fio's logins done: their garbage, earlier runs' and the sampler's is
                # collected outside the window (JvmSampler's gc), not in whichever window fills the eden.
                time.sleep(max(0.0, t_conn + self.args.ramp / 2 - time.monotonic()))
                t.jvm_gc()
            time.sleep(max(0.0, t_conn + self.args.ramp - time.monotonic()))
            if w.jobs > 1:
                sessions = self.sessions(t)
            # JvmSampler's sample runs in ringtarget (JMX over RMI: 10-30 ms of its CPU by /proc, 2026-12-07), so it is
            # taken before the CPU window opens, as the closing one is after the window closes.
            jvm0 = self.jvm(t)
            cpu0, w0 = proc_cpu_ticks(t.pid), time.monotonic()
            end = t_conn + self.args.ramp + self.args.runtime
            if w.jobs > 1:
                # Shortly before the window's end: fio's jobs log out once its own runtime is over, which its clock
                # may reach before ours (2026-12-06: ringtarget_sessions read 0 and 8 of 32 at the very end).
                time.sleep(max(0.0, end - SESSIONS_READ_LEAD_S - time.monotonic()))
                sessions = self.sessions(t, sessions)
            time.sleep(max(0.0, end - time.monotonic()))
            cpu1, jvm1, w1 = proc_cpu_ticks(t.pid), self.jvm(t), time.monotonic()
            fio.wait(timeout=self.args.runtime + self.args.ramp + 60)
        finally:
            if scraper:
                scraper.stop()
            if fio.poll() is None:
                os.killpg(fio.pid, signal.SIGKILL)
                fio.wait()
        if fio.returncode != 0:
            raise RuntimeError(f"fio failed on {name} {w.name} (status {fio.returncode}); see {js}")
        s = parse_fio(js, w.direction, w.jobs)
        window_ios = s["iops"] * (w1 - w0)
        s.update({"kind": kind, "workload": w.name, "target": name, "rep": rep, "window_s": w1 - w0,
                  "server_cpu_s": (cpu1 - cpu0) / CLK_TCK,
                  "cpu_us_per_io": (cpu1 - cpu0) / CLK_TCK * 1e6 / window_ios if window_ios else None,
                  "lat_log": f"{lat_prefix}_clat.1.log" if lat_prefix else None})
        s.update(sessions)
        if scraper:
            s["scrapes"], s["scrape_failures"], s["scrape_bytes"] = scraper.ok, scraper.failed, scraper.bytes
            if scraper.ok == 0:
                raise RuntimeError(f"no scrape of {t.scrape_url()} succeeded during {w.name}: {scraper.error}")
        if jvm0 and jvm1:
            # What the threads answering metrics scrapes allocate is per scrape, not per I/O: counted apart.
            scrape_alloc = jvm1.get("scrapeAllocBytes", 0) - jvm0.get("scrapeAllocBytes", 0)
            s["alloc_bytes"] = jvm1["allocBytes"] - jvm0["allocBytes"] - scrape_alloc
            s["alloc_b_per_io"] = s["alloc_bytes"] / window_ios if window_ios else None
            s["scrape_alloc_bytes"] = scrape_alloc
            s["gc_count"] = jvm1["gcCount"] - jvm0["gcCount"]
            s["gc_ms"] = jvm1["gcTimeMs"] - jvm0["gcTimeMs"]
        self.samples.append(s)
        extra = ""
        if "gc_count" in s:
            extra = f" alloc {s['alloc_b_per_io']:.2f} B/IO, GCs {s['gc_count']}"
        if scraper:
            extra += f", {scraper.ok} scrapes"
            if s.get("scrape_alloc_bytes") is not None:
                extra += f" allocating {s['scrape_alloc_bytes'] / 1024:.0f} KiB"
        if "sessions_tcp" in s:
            extra += f", sessions {s['sessions_tcp']} (TCP)"
            if "sessions_metric" in s:
                extra += f" {s['sessions_metric']} (ringtarget_sessions)"
            if "loop_busy" in s:
                extra += ", loops busy " + " ".join(f"{b * 100:.0f}%" for b in s["loop_busy"].values())
        log(f"{kind} {w.name:<18} {name:<18} rep {rep}: {s['iops']:>9.0f} IOPS {s['mbps']:>8.1f} MB/s "
            f"mean {s['mean_us']:>8.1f} us p99.9 {s['p99_9_us']:>8.1f} us "
            f"cpu {s['cpu_us_per_io'] or 0:>6.1f} us/IO client {s['client_cpu_pct']:.0f}%{extra}")

    def sessions(self, t, start=None):
        """At the start of a many-sessions window (start None): the sessions fio has open (its connections to the
        target's port) and, from ringtarget's /metrics, its logged-in sessions and each loop's busy seconds. At
        the end: the fewer of the two counts, and each loop's busy share of the time between the two reads
        (Δ busy seconds / Δ time, each read timed at its middle)."""
        now = {"sessions_tcp": connections_to(t.port)}
        url = t.metrics_url()
        if url:
            try:
                t0 = time.monotonic()
                m = read_metrics(url, (LOOP_BUSY, SESSIONS))
                now["at"] = (t0 + time.monotonic()) / 2
                now["sessions_metric"] = int(sum(m[SESSIONS].values()))
                now["loop_busy_s"] = {dict(labels).get("loop", "?"): v for labels, v in m[LOOP_BUSY].items()}
            except (OSError, ValueError) as e:
                log(f"{t.name}: could not read {url}: {e}")
        if start is None:
            return now
        out = {"sessions_tcp": min(start["sessions_tcp"], now["sessions_tcp"])}
        if "sessions_metric" in start and "sessions_metric" in now:
            out["sessions_metric"] = min(start["sessions_metric"], now["sessions_metric"])
        if "loop_busy_s" in start and "loop_busy_s" in now:
            out["loop_busy"] = {loop: (now["loop_busy_s"][loop] - busy) / (now["at"] - start["at"])
                                for loop, busy in sorted(start["loop_busy_s"].items()) if loop in now["loop_busy_s"]}
        return out

    def measure_stream(self, kind, rep):
        """tcp-floor stream: what one loopback TCP connection carries in 1 MiB messages, the ceiling of the 1 MiB
        workloads, with the targets stopped; before each repetition on each LUN kind, so that it is taken as near
        in time to the runs it is set against as their own repetition (it moves with the machine's load). Once per
        STREAM_SPANS: from a cached buffer, and sent from or received into a LUN-sized span."""
        if not self.args.no_freeze:
            for t in self.targets.values():
                t.freeze()
        for span in STREAM_SPANS:
            cmd = [self.args.floor_bin, "stream", str(STREAM_MESSAGE), str(STREAM_SECONDS)]
            if span != "cached":
                cmd += [span, str(LUN_BYTES)]
            r = subprocess.run(pinned(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=120)
            if r.returncode != 0:
                log(f"tcp-floor stream {span} failed: {r.stdout.strip()[-300:]}")
                continue
            kv = dict(tok.split("=", 1) for tok in r.stdout.split() if "=" in tok)
            if float(kv["seconds"]) < 0.9 * STREAM_SECONDS:
                # A stream shorter than asked measured its end only (tcp-floor.c's client started before the server
                # was ready, as before 2026-12-05): not a figure to set the runs against.
                log(f"tcp-floor stream {span}: {kv['seconds']} s measured of {STREAM_SECONDS}; left out")
                continue
            f = {"kind": kind, "rep": rep, "span": span, "message_bytes": STREAM_MESSAGE,
                 "mbps": float(kv["mb_per_s"]), "seconds": float(kv["seconds"]),
                 "server_cpu_pct": float(kv["server_cpu_pct"])}
            self.stream.append(f)
            log(f"{kind} stream {STREAM_MESSAGE >> 20} MiB messages ({span}) rep {rep}: {f['mbps']:.0f} MB/s over one "
                f"loopback connection (receiver at {f['server_cpu_pct']:.0f} % of a core)")

    def measure_floor(self, rep):
        """tcp-floor: the CPU a server that only receives and answers costs per request here, at QD1 and QD32, and
        at 128 KiB through a LUN-sized span."""
        patterns = [p + (False,) for p in FLOOR_PATTERNS] + [p + (True,) for p in SPAN_FLOOR_PATTERNS]
        for wl, req, rsp, depth, spans in patterns:
            if self.args.workloads and wl not in self.args.workloads:
                continue
            # Also as fio's libiscsi client talks: each request on its own, a WRITE's header and data apart (at QD1
            # also a Data-In's header and data read apart, and a poll() before each send and each wait).
            modes = ("depth-split",) if spans else QD1_FLOOR_MODES if depth == 1 else ("depth", "depth-split")
            for mode in modes:
                if not self.args.no_freeze:
                    for t in self.targets.values():
                        t.freeze()
                if spans:
                    cmd = [self.args.floor_bin, "depth", str(depth), str(req), str(rsp), str(FLOOR_REQUESTS_SPAN),
                           "split", "span", str(LUN_BYTES)]
                elif depth > 1:
                    cmd = [self.args.floor_bin, "depth", str(depth), str(req), str(rsp), str(FLOOR_REQUESTS_DEPTH)]
                    cmd += ["split"] if mode == "depth-split" else []
                else:
                    cmd = [self.args.floor_bin, str(req), str(rsp), str(FLOOR_REQUESTS)]
                    cmd += ["poll"] if mode.startswith("poll") else []
                    cmd += ["split"] if mode.endswith("-split") else []
                r = subprocess.run(pinned(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   timeout=300)
                if r.returncode != 0:
                    log(f"tcp-floor failed: {r.stdout.strip()[-300:]}")
                    self.args.floor_bin = ""
                    return
                kv = dict(tok.split("=", 1) for tok in r.stdout.split() if "=" in tok)
                # At depth, the client's wall time per request in place of a round trip (1e6 / requests per second).
                trip = float(kv["round_trip_us"]) if depth == 1 else 1e6 / float(kv["requests_per_s"])
                f = {"workload": wl, "mode": mode, "rep": rep, "request_bytes": req, "response_bytes": rsp,
                     "depth": depth, "server_cpu_us": float(kv["server_cpu_us"]), "round_trip_us": trip,
                     "server_switches": float(kv["server_switches"])}
                if depth == 1:
                    f["p50_us"] = float(kv["round_trip_p50_us"])
                    f["p99_9_us"] = float(kv["round_trip_p99_9_us"])
                elif "latency_p99_9_us" in kv:
                    # Each request's send to its whole response, as fio's completion latency at that depth.
                    f["p50_us"] = float(kv["latency_p50_us"])
                    f["p99_9_us"] = float(kv["latency_p99_9_us"])
                self.floor.append(f)
                log(f"floor {wl:<18} rep {rep}: minimal TCP server ({mode}) {f['server_cpu_us']:.2f} us CPU "
                    f"per request, {trip:.2f} us per request")

    def measure_stalls(self, rep):
        """tcp-floor stalls: how often and how long this machine takes a CPU from a thread that never sleeps (other
        tasks, interrupts, a hypervisor descheduling the virtual CPU), the targets stopped. Commands in flight on
        that CPU wait as long, so at depth these gaps show in every target's tail."""
        if not self.args.no_freeze:
            for t in self.targets.values():
                t.freeze()
        r = subprocess.run(pinned([self.args.floor_bin, "stalls", str(STALL_SECONDS)]), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=60)
        if r.returncode != 0:
            log(f"tcp-floor stalls failed: {r.stdout.strip()[-300:]}")
            return
        for line in r.stdout.splitlines():
            kv = dict(tok.split("=", 1) for tok in line.split() if "=" in tok)
            if kv.get("mode") != "stalls":
                continue
            f = {"rep": rep, "cpu": int(kv["cpu"]), "stalls_per_s": float(kv["stalls_per_s"]),
                 "longest_ms": float(kv["longest_ms"]), "lost_pct": float(kv["lost_pct"])}
            self.stalls.append(f)
            log(f"stalls rep {rep} cpu {f['cpu']}: {f['stalls_per_s']:.1f}/s of 1 ms or more, longest "
                f"{f['longest_ms']:.2f} ms, {f['lost_pct']:.2f} % of the time lost")

    def measure_idle(self, kind, rep):
        """Each target's CPU with no session, alone (the others stopped): what it costs a machine doing nothing.
        A polling target (SPDK's reactor) shows a full core here."""
        for name in list(self.targets):
            t = self.targets[name]
            self.freeze_others(name)
            if self.args.no_freeze:
                t.thaw()
            try:
                time.sleep(0.5)                    # past the catch-up of timers that fired while it was stopped
                cpu0, w0 = proc_cpu_ticks(t.pid), time.monotonic()
                time.sleep(self.args.idle)
                cpu1, w1 = proc_cpu_ticks(t.pid), time.monotonic()
            except OSError as e:
                self.drop(name, kind, f"idle rep {rep}: {e}")
                continue
            pct = (cpu1 - cpu0) / CLK_TCK / (w1 - w0) * 100
            self.idle.append({"kind": kind, "target": name, "rep": rep, "window_s": w1 - w0, "cpu_pct": pct})
            log(f"{kind} idle               {name:<18} rep {rep}: {pct:6.1f} % of a core (no session, "
                f"{w1 - w0:.1f} s)")

    def jvm(self, t):
        return t.jvm_sample() if isinstance(t, RingtargetTarget) else None

    def run(self):
        for kind in self.args.backstores:
            log(f"=== backstore {kind} ===")
            try:
                self.start_all(kind)
                if not self.targets:
                    log(f"{kind}: no target available")
                    continue
                self.prefill(kind)
                for rep in range(1, self.args.reps + 1):
                    if self.args.floor_bin and kind == self.args.backstores[0]:
                        self.measure_floor(rep)
                        self.measure_stalls(rep)
                    if self.args.floor_bin and any(w.name in STREAM_WORKLOADS for w in self.workloads()):
                        self.measure_stream(kind, rep)
                    if self.args.idle:
                        self.measure_idle(kind, rep)
                    for w in self.workloads():
                        for name in list(self.targets):
                            try:
                                self.measure(kind, w, name, rep)
                            except (RuntimeError, OSError, ValueError, KeyError,
                                    subprocess.TimeoutExpired) as e:
                                self.drop(name, kind, f"{w.name} rep {rep}: {e}")
            finally:
                self.stop_all()

    def workloads(self):
        if not self.args.workloads:
            return [w for w in WORKLOADS if w.default]
        # A many-sessions workload brings its single-session reference along: the ratio needs both in one run.
        wanted = set(self.args.workloads) | {w.reference for w in WORKLOADS if w.name in self.args.workloads}
        return [w for w in WORKLOADS if w.name in wanted]


# ---------------------------------------------------------------------------------------------------------
# Report


METRICS = [("iops", "IOPS", "{:.0f}"), ("mbps", "MB/s", "{:.1f}"), ("mean_us", "mean µs", "{:.1f}"),
           ("p50_us", "p50 µs", "{:.1f}"), ("p99_us", "p99 µs", "{:.1f}"), ("p99_9_us", "p99.9 µs", "{:.1f}"),
           ("cpu_us_per_io", "server CPU µs/IO", "{:.1f}"), ("client_cpu_pct", "fio CPU %", "{:.0f}")]


def aggregate(samples):
    """{(kind, workload, target): {metric: (median, min, max)}}"""
    groups = {}
    for s in samples:
        groups.setdefault((s["kind"], s["workload"], s["target"]), []).append(s)
    agg = {}
    for key, ss in groups.items():
        m = {}
        for metric in [k for k, _, _ in METRICS] + ["alloc_b_per_io", "gc_count", "gc_ms", "sessions_tcp",
                                                    "sessions_metric"]:
            vals = [s[metric] for s in ss if s.get(metric) is not None]
            if vals:
                m[metric] = (statistics.median(vals), min(vals), max(vals))
        loops = sorted({loop for s in ss for loop in s.get("loop_busy", {})})
        if loops:
            m["loop_busy"] = {}
            for loop in loops:
                vals = [s["loop_busy"][loop] for s in ss if loop in s.get("loop_busy", {})]
                m["loop_busy"][loop] = (statistics.median(vals), min(vals), max(vals))
        m["reps"] = len(ss)
        m["gc_total"] = sum(s.get("gc_count", 0) for s in ss)
        m["gc_ms_total"] = sum(s.get("gc_ms", 0) for s in ss)
        agg[key] = m
    return agg


def idle_section(bench, args, kind):
    """Each target's CPU with no session (measure_idle), median (min–max) over the repetitions."""
    runs = [i for i in bench.idle if i["kind"] == kind]
    if not runs:
        return []
    lines = [f"Idle CPU: each target alone with no session (the others stopped), {args.idle} s before each "
             "repetition's workloads; % of one core:", "", "| target | idle CPU % of a core |", "|---|---|"]
    for name in args.targets:
        vals = [i["cpu_pct"] for i in runs if i["target"] == name]
        if vals:
            lines.append(f"| {name} | {cell({'v': (statistics.median(vals), min(vals), max(vals))}, 'v', '{:.1f}')} |")
    return lines + [""]


def stream_section(bench, args, agg, kind):
    """The loopback TCP streams measured before this LUN kind's repetitions, and each target's 1 MiB MB/s over the
    cached one and over the LUN-sized one its data goes through."""
    medians = stream_medians(bench.stream, kind)
    if not medians:
        return []
    lines = ["Loopback TCP streams (`tcp-floor stream`, before each repetition on this LUN, the targets stopped): "
             f"one connection carrying {STREAM_MESSAGE >> 20} MiB messages back to back for {STREAM_SECONDS} s, no "
             "iSCSI and no storage; `cached` sends and receives one buffer that stays in the CPU's caches (the "
             f"stream issue 15 names), `send-span` sends from successive places of {LUN_BYTES >> 30} GiB as a target "
             "reads a RAM LUN sequentially, `receive-span` receives into them as it writes one (the limit for a LUN "
             "larger than the caches). Median (min–max) MB/s, the receiver's CPU:", "",
             "| stream | MB/s | receiver % of a core |", "|---|---|---|"]
    for span in STREAM_SPANS:
        runs = [f for f in bench.stream if f["kind"] == kind and f.get("span", "cached") == span]
        if runs:
            mbps = [f["mbps"] for f in runs]
            cpu = statistics.median(f["server_cpu_pct"] for f in runs)
            lines.append(f"| {span} | {cell({'v': (medians[span], min(mbps), max(mbps))}, 'v', '{:.0f}')} "
                         f"({len(runs)} runs) | {cpu:.0f} |")
    ratios = []
    for wl in STREAM_WORKLOADS:
        cached, spanned = medians.get("cached"), medians.get(STREAM_SPAN_OF[wl])
        cells = [f"{name} {agg[(kind, wl, name)]['mbps'][0] / cached:.2f}× cached"
                 + (f", {agg[(kind, wl, name)]['mbps'][0] / spanned:.2f}× {STREAM_SPAN_OF[wl]}" if spanned else "")
                 for name in args.targets if cached and "mbps" in agg.get((kind, wl, name), {})]
        if cells:
            ratios.append(f"{wl}: " + "; ".join(cells))
    return lines + ["", "MB/s over the streams' (medians): " + (" — ".join(ratios) or "no 1 MiB runs") + ".", ""]


def many_sessions_section(bench, args, agg, kind):
    """The many-sessions workloads per target: sessions seen, IOPS against the same target's single session at
    QD32, CPU per I/O, and ringtarget's loops' busy share of the window."""
    many = [w for w in bench.workloads() if w.jobs > 1]
    rows, short = [], []
    for w in many:
        for name in args.targets:
            m = agg.get((kind, w.name, name))
            if not m:
                continue
            ref = agg.get((kind, w.reference, name), {}).get("iops")
            r = m["iops"][0] / ref[0] if ref and ref[0] and "iops" in m else None
            sessions = cell(m, "sessions_tcp", "{:.0f}")
            if "sessions_tcp" in m and m["sessions_tcp"][1] < w.jobs:
                sessions = f"**{sessions}**"
                short.append(f"{name} ({w.name})")
            if "sessions_metric" in m:
                sessions += f" / {cell(m, 'sessions_metric', '{:.0f}')}"
            busy = ", ".join(f"{loop} {cell({'pct': (med * 100, lo * 100, hi * 100)}, 'pct', '{:.0f}')}"
                             for loop, (med, lo, hi) in m.get("loop_busy", {}).items())
            rows.append(f"| {w.name} | {name} | {sessions} | {cell(m, 'iops', '{:.0f}')} | {fmt_ratio(r)} | "
                        f"{cell(m, 'cpu_us_per_io', '{:.1f}')} | {busy or '–'} |")
    if not rows:
        return []
    return ["Many sessions: " + "; ".join(f"{w.name}: {w.jobs} fio jobs, each logged in as its own iSCSI "
                                          f"session, at QD{w.qd} each" for w in many) + ". "
            "Sessions: fio's ESTABLISHED connections to the target's port at the start and end of the "
            "window (the fewer), and for ringtarget its `ringtarget_sessions` gauge from /metrics (the same). "
            "× one session: IOPS over the same target's single-session run of the same direction and total depth "
            "in this run (" + ", ".join(f"{w.reference}" for w in many) + "). "
            "Loops busy: for ringtarget, each event loop's Δ`ringtarget_loop_busy_seconds` over the window, % of "
            "the window:", "",
            "| workload | target | sessions (TCP / ringtarget) | IOPS | × one session | server CPU µs/IO | "
            "loops busy % |", "|---|---|---|---|---|---|---|"] + rows + [""] + ([
            f"**Fewer sessions than fio's jobs** (bold) for {', '.join(short)}: not all of them had "
            f"logged in after {LOGINS_TIMEOUT_S} s (or some dropped), so the window is not the one fio measured "
            "in: its IOPS and CPU per I/O are not comparable.", ""] if short else [])


def cell(m, metric, fmt):
    if metric not in m:
        return "–"
    med, lo, hi = m[metric]
    if lo == hi:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(lo)}–{fmt.format(hi)})"


def ratio(agg, kind, wl, metric, num, den):
    a, b = agg.get((kind, wl, num), {}).get(metric), agg.get((kind, wl, den), {}).get(metric)
    if not a or not b or not b[0]:
        return None
    return a[0] / b[0]


def fmt_ratio(r):
    return "–" if r is None else f"{r:.2f}×"


def floor_medians(floor):
    """{workload: {mode: (median server CPU us, median round trip us)}} of the tcp-floor runs."""
    out = {}
    for f in floor:
        out.setdefault(f["workload"], {}).setdefault(f["mode"], [])
    for wl, modes in out.items():
        for mode in modes:
            fs = [f for f in floor if f["workload"] == wl and f["mode"] == mode]
            modes[mode] = (statistics.median(f["server_cpu_us"] for f in fs),
                           statistics.median(f["round_trip_us"] for f in fs))
    return out


def stream_medians(stream, kind):
    """{span: median MB/s} of the tcp-floor stream runs before the repetitions on one LUN kind (STREAM_SPANS; a
    run recorded before spans were measured is "cached")."""
    out = {}
    for span in STREAM_SPANS:
        mbps = [f["mbps"] for f in stream if f["kind"] == kind and f.get("span", "cached") == span]
        if mbps:
            out[span] = statistics.median(mbps)
    return out


def floor_tails(bench_floor, wl):
    """{mode: (median p50 us, median p99.9 us)} of tcp-floor's round trips (QD1) or latencies (depth) for one
    exchange."""
    out = {}
    for mode in QD1_FLOOR_MODES + ("depth", "depth-split"):
        fs = [f for f in bench_floor if f["workload"] == wl and f["mode"] == mode and "p99_9_us" in f]
        if fs:
            out[mode] = (statistics.median(f["p50_us"] for f in fs), statistics.median(f["p99_9_us"] for f in fs))
    return out


def floor_tails_of(bench_floor):
    """{workload: floor_tails} for every QD1 exchange measured."""
    return {wl: floor_tails(bench_floor, wl) for wl, _, _, depth in FLOOR_PATTERNS if depth == 1}


def floor_cpu(floor, wl):
    """The floor of one exchange: the cheapest of sleeping and polling and the client's two ways of talking (at depth,
    of its two ways of sending), or None."""
    modes = floor.get(wl)
    return min(cpu for cpu, _ in modes.values()) if modes else None


def evaluate_goals(agg, kind, rt_reason, floor=None, streams=None, tails=None):
    """The goals of issue 5 and those of issue 15 that these workloads measure, from the medians of one run
    (streams: stream_medians, the loopback TCP streams' MB/s). Returns [(goal, verdict, detail)]."""
    goals = []
    floor = floor or {}
    streams = streams or {}
    qd1 = ["randread-4k-qd1", "randwrite-4k-qd1"]
    qd32 = ["randread-4k-qd32", "randwrite-4k-qd32"]
    seq = ["read-128k-qd8", "write-128k-qd8"]

    def get(wl, target, metric):
        v = agg.get((kind, wl, target), {}).get(metric)
        return None if v is None else v[0]

    def verdict(name, checks):
        """checks: [(workload, ok or None, detail)] -> one goal line."""
        if rt_reason:
            goals.append((name, "N/A", f"ringtarget not available: {rt_reason[:160]}"))
            return
        if any(ok is None for _, ok, _ in checks):
            goals.append((name, "N/A", "; ".join(f"{w}: {d}" for w, _, d in checks)))
            return
        goals.append((name, "PASS" if all(ok for _, ok, _ in checks) else "FAIL",
                      "; ".join(f"{w}: {d}" for w, _, d in checks)))

    def cmp(wl, metric, factor, better_low, ref_target=TGT, ref_metric=None, note=""):
        ours, ref = get(wl, RINGTARGET, metric), get(wl, ref_target, ref_metric or metric)
        if ours is None or ref is None:
            return (wl, None, "no data")
        limit = ref * factor
        ok = ours <= limit if better_low else ours >= limit
        return (wl, ok, f"{ours:.1f} vs {'≤' if better_low else '≥'} {limit:.1f}{note}")

    def below_floor(wl):
        """Notes a QD1 limit that no server can meet here: below what tcp-floor's do-nothing server costs."""
        ref, least = get(wl, TGT, "cpu_us_per_io"), floor_cpu(floor, wl)
        if least is None or ref is None or ref * 0.25 >= least:
            return ""
        return f" (below the TCP floor: a minimal server costs {least:.1f} here)"

    verdict("server CPU per 4 KiB I/O ≤ 0.25× tgt (QD1, QD32)",
            [cmp(w, "cpu_us_per_io", 0.25, True, note=below_floor(w)) for w in qd1 + qd32])
    verdict("QD1 mean latency ≤ 0.6× tgt", [cmp(w, "mean_us", 0.6, True) for w in qd1])
    verdict("QD1 p99.9 ≤ tgt's p99", [cmp(w, "p99_9_us", 1.0, True, ref_metric="p99_us") for w in qd1])
    def client_bound(c):
        """Notes a failed IOPS or MB/s check where fio itself was the limit."""
        w = c[0]
        client = get(w, RINGTARGET, "client_cpu_pct")
        if c[1] is False and client is not None and client >= 90:
            return (w, False, c[2] + f" (client-bound: fio at {client:.0f}% of a CPU)")
        return c

    verdict("QD32 IOPS ≥ 1.5× tgt", [client_bound(cmp(w, "iops", 1.5, False)) for w in qd32])
    verdict("128 KiB sequential MB/s ≥ 2× tgt", [cmp(w, "mbps", 2.0, False) for w in seq])
    gc = [(w.name, agg.get((kind, w.name, RINGTARGET), {}).get("gc_total")) for w in WORKLOADS]
    gc = [(w, n) for w, n in gc if n is not None]
    verdict("no GC during the runs after warm-up",
            [(w, n == 0, f"{n} GC pauses") for w, n in gc] or [("all", None, "no data")])
    alloc = [(w.name, get(w.name, RINGTARGET, "alloc_b_per_io")) for w in WORKLOADS]
    alloc = [(w, a) for w, a in alloc if a is not None]
    verdict("allocated bytes per I/O ≈ 0 (< 1 B/IO)",
            [(w, a < 1.0, f"{a:.2f} B/IO") for w, a in alloc] or [("all", None, "no data")])

    # Issue 15: against SPDK, the QD1 CPU above the TCP floor, many sessions, the write path's CPU against the
    # read path's, and 1 MiB transfers against the loopback TCP stream. The /dev/shm LUN is --backstores shm (the
    # goals are evaluated on it as on the others); idle sessions, 16 MiB commands and the JMH command path are
    # measured elsewhere (docs/benchmarks.md).
    verdict("(issue 15) 4 KiB QD32 IOPS ≥ SPDK's",
            [client_bound(cmp(w, "iops", 1.0, False, ref_target=SPDK)) for w in qd32])
    def below_deep_floor(wl):
        """Notes a QD32 limit below what tcp-floor's do-nothing server costs at that depth."""
        ref, least = get(wl, SPDK, "cpu_us_per_io"), floor_cpu(floor, wl)
        if least is None or ref is None:
            return ""
        return f" (TCP floor at QD32 {least:.2f}{'; the limit is below it' if ref * 0.5 < least else ''})"
    verdict("(issue 15) 4 KiB QD32 server CPU per I/O ≤ 0.5× SPDK's",
            [cmp(w, "cpu_us_per_io", 0.5, True, ref_target=SPDK, note=below_deep_floor(w)) for w in qd32])
    verdict("(issue 15) QD1 mean latency ≤ SPDK's", [cmp(w, "mean_us", 1.0, True, ref_target=SPDK) for w in qd1])
    def floor_tail(wl):
        """Notes the tail of tcp-floor's do-nothing polling server here: p99.9 against its own p50."""
        t = (tails or {}).get(wl, {}).get("poll")
        if not t:
            return ""
        return f" (a do-nothing polling TCP server here: p99.9 {t[1]:.1f} µs, {t[1] / t[0]:.1f}× its p50)"
    verdict("(issue 15) QD1 p99.9 ≤ 2× our own p50",
            [cmp(w, "p99_9_us", 2.0, True, ref_target=RINGTARGET, ref_metric="p50_us", note=floor_tail(w))
             for w in qd1])

    def above_floor(wl):
        ours, ref, least = get(wl, RINGTARGET, "cpu_us_per_io"), get(wl, TGT, "cpu_us_per_io"), floor_cpu(floor, wl)
        if ours is None or ref is None or least is None:
            return (wl, None, "no data" if least is not None else "no TCP floor")
        limit = 0.25 * (ref - least)
        # The verdict takes the cheapest floor, a sleeping server's. The note gives the polling one facing a client
        # that talks as fio's does: a polling target's CPU per I/O is its round trip, the client's own time included.
        split = floor.get(wl, {}).get("poll-split")
        note = f"; a polling one with libiscsi's way of talking {split[0]:.1f}, ours {ours - split[0]:+.1f}" \
            if split else ""
        return (wl, ours - least <= limit, f"{ours - least:.1f} vs ≤ {limit:.1f} (floor {least:.1f}{note})")
    verdict("(issue 15) QD1 server CPU per I/O above the TCP floor ≤ 0.25× tgt's above it",
            [above_floor(w) for w in qd1])

    def many_sessions(w):
        """IOPS of w's sessions against 0.9× one session at QD32, when all of them were logged in."""
        m = agg.get((kind, w.name, RINGTARGET), {})
        ours, ref = get(w.name, RINGTARGET, "iops"), get(w.reference, RINGTARGET, "iops")
        if ours is None or ref is None:
            return (w.name, None, "no data" if ours is None else f"no {w.reference} in this run")
        tcp, metric = m.get("sessions_tcp"), m.get("sessions_metric")
        if tcp is None or tcp[1] < w.jobs:
            return (w.name, None, f"fio had {tcp[1] if tcp else '?'} of its {w.jobs} sessions open")
        detail = f"{ours:.0f} vs ≥ {0.9 * ref:.0f} ({ours / ref:.2f}× {w.reference})"
        if metric is None:
            return (w.name, None, detail + ", ringtarget_sessions not read")
        if metric[1] < w.jobs:
            return (w.name, False, detail + f", but ringtarget counted {metric[1]:.0f} sessions, not {w.jobs}")
        return (w.name, ours >= 0.9 * ref, detail + f", {w.jobs} sessions")
    many = [w for w in WORKLOADS if w.jobs == 32]
    verdict("(issue 15) 32 sessions at QD4 IOPS ≥ 0.9× one session at QD32", [many_sessions(w) for w in many])

    def own_ratio(wl, ref_wl, metric, factor):
        """ringtarget's metric in wl ≤ factor × its metric in ref_wl (lower is better)."""
        ours, ref = get(wl, RINGTARGET, metric), get(ref_wl, RINGTARGET, metric)
        if ours is None or ref is None:
            return (wl, None, "no data" if ours is None else f"no {ref_wl} in this run")
        return (wl, ours <= factor * ref, f"{ours:.1f} vs ≤ {factor * ref:.1f} ({ours / ref:.2f}× {ref_wl})")
    def floor_ratio(wl, ref_wl, server, digits):
        """Notes the same ratio for tcp-floor's do-nothing server (its "depth-split" runs: the client sending as
        libiscsi does) measured for these two workloads."""
        w, r = floor.get(wl, {}).get("depth-split"), floor.get(ref_wl, {}).get("depth-split")
        if not w or not r:
            return ""
        return f" (a do-nothing TCP server {server}: {w[0]:.{digits}f} / {r[0]:.{digits}f} µs, {w[0] / r[0]:.2f}×)"
    wr = own_ratio("randwrite-4k-qd32", "randread-4k-qd32", "cpu_us_per_io", 1.2)
    verdict("(issue 15) QD32 4 KiB write CPU per I/O ≤ 1.2× read CPU per I/O",
            [wr[:2] + (wr[2] + floor_ratio("randwrite-4k-qd32", "randread-4k-qd32",
                                           "with a client sending as libiscsi does", 2),)])
    # The 128 KiB floor is measured through a span as large as the LUN (SPAN_FLOOR_PATTERNS).
    big = own_ratio("write-128k-qd8", "read-128k-qd8", "cpu_us_per_io", 1.0)
    verdict("(issue 15) 128 KiB write CPU per I/O ≤ read CPU per I/O",
            [big[:2] + (big[2] + floor_ratio("write-128k-qd8", "read-128k-qd8",
                                             f"receiving writes into and sending reads from {LUN_BYTES >> 30} GiB "
                                             "of memory", 1),)])

    def versus_stream(wl, span):
        ours, stream = get(wl, RINGTARGET, "mbps"), streams.get(span)
        if ours is None or stream is None:
            return (wl, None, "no data" if stream is not None else f"no {span} loopback TCP stream measured")
        return (wl, ours >= 0.8 * stream, f"{ours:.0f} vs ≥ {0.8 * stream:.0f} MB/s ({ours / stream:.2f}× the "
                                          f"{span} stream's {stream:.0f})")
    verdict("(issue 15) 1 MiB sequential QD4 MB/s ≥ 0.8× a loopback TCP stream of 1 MiB messages (cached buffer, "
            "as the issue names it)", [client_bound(versus_stream(w, "cached")) for w in STREAM_WORKLOADS])
    verdict("(issue 15, the same against the stream through a LUN-sized span) 1 MiB sequential QD4 MB/s ≥ 0.8× a "
            "loopback TCP stream sent from (reads) or received into (writes) 1 GiB",
            [client_bound(versus_stream(w, STREAM_SPAN_OF[w])) for w in STREAM_WORKLOADS])
    return goals


# ---------------------------------------------------------------------------------------------------------
# The baseline: an earlier commit of ringtarget, built in a throw-away git worktree


def git(*argv):
    return run(["git", "-C", ROOT] + list(argv)).stdout.strip()


def resolve_commit(ref):
    """(full sha, short sha) of a git ref, or SystemExit."""
    try:
        commit = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except subprocess.CalledProcessError:
        raise SystemExit(f"bench: --baseline-ref {ref}: not a commit of {ROOT}")
    return commit, git("rev-parse", "--short", commit)


def remove_worktree(path):
    """Removes a worktree this harness added (also a leftover of a killed run): git's record and the files."""
    registered = f"worktree {path}" in git("worktree", "list", "--porcelain").splitlines()
    if registered and os.path.isdir(path):
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", "--force", path], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    if registered and f"worktree {path}" in git("worktree", "list", "--porcelain").splitlines():
        # Its directory is gone: only prune can drop the record (it also drops other worktrees' stale records,
        # whose directories are gone too).
        subprocess.run(["git", "-C", ROOT, "worktree", "prune"], check=False)


# Where ./ringtarget build leaves the jar: server/target since the module split, target/.build before.
BASELINE_JAR_PATHS = [os.path.join("server", "target", "ringtarget.jar"),
                      os.path.join("target", ".build", "ringtarget.jar")]


def launcher_jvm(tree):
    """The variables ./ringtarget in that tree sets for its JVM (GLIBC_TUNABLES) and the options it gives a target
    (RINGTARGET_TARGET_JAVA_OPTS: the heap's), none of either where its bin/jvm-env.sh has none, so that the harness
    starts the jar as that tree's launcher would."""
    script = os.path.join(tree, "bin", "jvm-env.sh")
    if not os.path.isfile(script):
        return NO_LAUNCHER_JVM
    clean = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
    r = subprocess.run(["bash", "-c", 'source "$1" && ringtarget_jvm_env && printf "%s\\0" '
                        '"${RINGTARGET_TARGET_JAVA_OPTS:-}" && env -0', "bash", script], env=clean,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30, check=True)
    opts, _, rest = r.stdout.partition("\0")
    after = dict(kv.split("=", 1) for kv in rest.split("\0") if "=" in kv)
    env = {k: v for k, v in after.items() if clean.get(k) != v and k not in ("_", "SHLVL", "PWD", "OLDPWD")}
    return LauncherJvm(env, shlex.split(opts))


def describe_launcher_jvm(jvm):
    env = ", ".join(f"`{k}={v}`" for k, v in sorted(jvm.env.items())) or "nothing"
    return env + "; " + (f"`{' '.join(jvm.opts)}`" if jvm.opts else "no options")


def build_baseline(commit, short, jar_dir):
    """Builds commit with its own ./ringtarget build in a worktree under .cache/bench and copies its jar to
    jar_dir. Returns (jar, what its launcher gives a target's JVM, None) or (None, NO_LAUNCHER_JVM, why it failed).
    The worktree is removed whatever happens."""
    wt = os.path.realpath(os.path.join(CACHE, "bench", f"baseline-{short}"))      # as git worktree list says it
    build_log = os.path.join(CACHE, f"bench-baseline-{short}-build.log")
    remove_worktree(wt)
    os.makedirs(os.path.dirname(wt), exist_ok=True)
    log(f"baseline: building {commit} in {wt} (log: {build_log})")
    proc = None
    try:
        try:
            git("worktree", "add", "--detach", wt, commit)
        except subprocess.CalledProcessError as e:
            return None, NO_LAUNCHER_JVM, f"git worktree add {wt} {short} failed: {e.stdout.strip()[-300:]}"
        with open(build_log, "w") as out:
            # Its own session: when the run is interrupted, the launcher and its Maven are stopped as a group.
            proc = subprocess.Popen([os.path.join(wt, "ringtarget"), "build"], cwd=wt, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            proc.wait(timeout=3600)
        if proc.returncode != 0:
            return None, NO_LAUNCHER_JVM, f"./ringtarget build of {short} failed: {first_error(build_log)}"
        for rel in BASELINE_JAR_PATHS:
            if os.path.isfile(os.path.join(wt, rel)):
                jar = os.path.join(jar_dir, f"ringtarget-{short}.jar")
                shutil.copy(os.path.join(wt, rel), jar)
                log(f"baseline: {short} built, {rel} copied to {jar}")
                return jar, launcher_jvm(wt), None
        return None, NO_LAUNCHER_JVM, (f"./ringtarget build of {short} made none of "
                                       f"{', '.join(BASELINE_JAR_PATHS)} (log: {build_log})")
    finally:
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        remove_worktree(wt)
        log(f"baseline: worktree {wt} removed" if not os.path.exists(wt) else f"baseline: could not remove {wt}")


def baseline_targets(ap, args):
    """Resolves --baseline-ref / --baseline-jar and ringtarget@LABEL in --targets: sets args.baseline_name
    (ringtarget@SHORT-SHA, ringtarget@LABEL or ringtarget@base), args.baseline_commit and args.targets.
    ringtarget@REF in --targets alone is --baseline-ref REF."""
    named = [t for t in args.targets if t.startswith(BASELINE_PREFIX)]
    if len(named) > 1:
        ap.error(f"one baseline at a time: {', '.join(named)}")
    label = named[0][len(BASELINE_PREFIX):] if named else ""
    if args.baseline_ref and args.baseline_jar:
        ap.error("--baseline-ref or --baseline-jar, not both")
    if label and label != "base" and not args.baseline_ref and not args.baseline_jar:
        args.baseline_ref = label
    args.baseline_commit = ""
    if args.baseline_ref:
        args.baseline_commit, short = resolve_commit(args.baseline_ref)
        if label not in ("", "base", args.baseline_ref, short) and not args.baseline_commit.startswith(label):
            ap.error(f"--targets names {named[0]}, but --baseline-ref {args.baseline_ref} is {short}")
        args.baseline_name = BASELINE_PREFIX + short
        args.baseline_desc = f"commit {short} (`--baseline-ref {args.baseline_ref}`), built with its own " \
                             "`./ringtarget build` in a throw-away git worktree"
    elif args.baseline_jar:
        if not os.path.isfile(args.baseline_jar):
            ap.error(f"--baseline-jar {args.baseline_jar}: no such file")
        args.baseline_jar = os.path.abspath(args.baseline_jar)
        args.baseline_name = BASELINE_PREFIX + (label or "base")
        args.baseline_desc = f"`--baseline-jar {args.baseline_jar}`"
    elif label:
        ap.error(f"{named[0]} in --targets needs --baseline-ref GITREF or --baseline-jar PATH")
    else:
        args.baseline_name, args.baseline_desc = "", ""
        return
    if named:
        args.targets = [args.baseline_name if t == named[0] else t for t in args.targets]
    elif RINGTARGET in args.targets:        # measured right after ringtarget, so that the two are close in time
        args.targets.insert(args.targets.index(RINGTARGET) + 1, args.baseline_name)
    else:
        args.targets.append(args.baseline_name)


def machine_info(args):
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=30).stdout.strip()
        except Exception as e:
            return f"? ({e})"
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
        "memory": sh("free -g | awk '/Mem:/{print $2\" GiB\"}'"),
        "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
        "fio": sh(f"{shlex.quote(args.fio)} --version"),
        "tgt": sh("dpkg-query -W -f='${Version}' tgt"),
        "istgt": sh("dpkg-query -W -f='${Version}' istgt"),
        "libiscsi": sh("dpkg-query -W -f='${Version}' libiscsi-bin"),
        "spdk": (sh(f"cat {shlex.quote(os.path.join(args.spdk_dir, 'VERSION'))} 2>/dev/null || echo v26.05")
                 + " (bench/scripts/build-spdk.sh), DPDK " + sh("pkg-config --modversion libdpdk"))
        if args.spdk_dir else "not built",
        "tcp_cc": sh("cat /proc/sys/net/ipv4/tcp_congestion_control") + " (qdisc on lo: " +
                  sh("tc qdisc show dev lo | awk '{print $2; exit}'") + ")",
        "java": sh(f"{shlex.quote(os.path.join(args.java_home, 'bin', 'java'))} -version 2>&1 | head -1")
        if args.java_home else "?",
        # "-dirty": the checkout had uncommitted changes (possibly other modules' work in progress) when built.
        "ringtarget_commit": sh(f"git -C {shlex.quote(ROOT)} describe --always --dirty"),
        "load_before": sh("cat /proc/loadavg"),
        "free_page_reporting": page_reporting_state(args),
    }


def plots(bench, args, java):
    """HdrHistogram percentile plots of QD1 latency, all repetitions of a target merged."""
    made = []
    for kind in args.backstores:
        for w in [w for w in bench.workloads() if w.lat_log]:
            series = []
            for name in args.targets:
                logs = [s["lat_log"] for s in bench.samples if s["kind"] == kind and s["workload"] == w.name
                        and s["target"] == name and s.get("lat_log") and os.path.exists(s["lat_log"])]
                if logs:
                    series.append(f"{name}={','.join(logs)}")
            if not series:
                continue
            png = os.path.join(bench.out, f"latency-{kind}-{w.name}.png")
            title = f"{w.name}, {kind} LUN: completion latency by percentile ({args.reps} × {args.runtime} s runs merged)"
            r = subprocess.run([java, "-cp", args.sampler_cp, "io.ringtarget.bench.harness.LatencyPlot",
                                "--png", png, "--title", title,
                                "--hgrm-dir", os.path.join(bench.out, "hgrm", kind, w.name)] + series,
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            if r.returncode != 0:
                log(f"LatencyPlot failed: {r.stdout[-500:]}")
                continue
            made.append((kind, w.name, os.path.basename(png), r.stdout.strip()))
    return made


def report(bench, args, info, made_plots):
    agg = aggregate(bench.samples)
    lines = [f"# Benchmark {info['date_utc']}", ""]
    lines += [f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']}, kernel {info['kernel']}, "
              f"{info['os']}. fio {info['fio']} (libiscsi engine), tgt {info['tgt']}, istgt {info['istgt']}, "
              + (f"SPDK {info['spdk']}, " if SPDK in args.targets else "")
              + f"libiscsi {info['libiscsi']}, {info['java']}, ringtarget {info['ringtarget_commit']}. "
              + f"TCP congestion control: {info['tcp_cc']}"
              + (f", set for this run (the host's is {args.host_tcp_cc})" if args.congestion_control else "") + "; "
              + info["free_page_reporting"] + ".", ""]
    lines += ["ringtarget's JVM environment and options (bin/jvm-env.sh, as its launcher sets them): "
              + describe_launcher_jvm(args.ringtarget_jvm) + ".", ""]
    if args.baseline_name in args.targets:
        lines += [f"Baseline: {args.baseline_name}, {args.baseline_desc}; started like ringtarget (same JVM flags, "
                  "same demo arguments) and measured in turn with the others; its JVM environment and options: "
                  + describe_launcher_jvm(args.baseline_jvm) + ".", ""]
    lines += ["Command:", "", "    " + args.command_line, ""]
    lines += [f"{args.reps} repetitions × {len(bench.workloads())} workloads × {len(args.targets)} targets, "
              f"interleaved target by target; {args.runtime} s per run after {args.ramp} s ramp; "
              f"cells are median (min–max) over repetitions. Load average before the run: {info['load_before']}, "
              f"after: {info.get('load_after', '?')} (other work on the machine shows here).",
              ""]
    floor = floor_medians(bench.floor)
    if floor:
        if any(wl in floor and depth == 1 for wl, _, _, depth in FLOOR_PATTERNS):
            lines += ["TCP floor (`bench/scripts/tcp-floor.c`, run before each repetition with the targets stopped): a "
                      "server that only receives each request and sends its response over loopback, no iSCSI and no "
                      "storage, against a client that waits for each response, as fio at QD1; it either sleeps in "
                      "recv between requests or polls with non-blocking recv. The cheapest is the least any target "
                      "can spend per QD1 request of the same sizes on this machine. With `split` the client talks as "
                      "fio's libiscsi does (a poll() before each send and each wait, a WRITE's header and data in two "
                      "sends, a Data-In's header and data in two receives): what that client's way costs a server "
                      "that does nothing (a polling one is on the CPU while the client makes its extra calls):", ""]
            lines += ["| exchange | request → response bytes | sleeping: server CPU µs/request (round trip µs) | "
                      "polling: server CPU µs/request (round trip µs) | polling: round trip p50 / p99.9 µs | "
                      "split, sleeping | split, polling |",
                      "|---|---|---|---|---|---|---|"]
            for wl, req, rsp, depth in FLOOR_PATTERNS:
                if wl in floor and depth == 1:
                    cells = [f"{floor[wl][m][0]:.1f} ({floor[wl][m][1]:.1f})" if m in floor[wl] else "–"
                             for m in QD1_FLOOR_MODES]
                    tail = floor_tails(bench.floor, wl).get("poll")
                    tail_cell = f"{tail[0]:.1f} / {tail[1]:.1f}" if tail else "–"
                    lines.append(f"| {wl} | {req} → {rsp} | {cells[0]} | {cells[1]} | {tail_cell} | {cells[2]} | "
                                 f"{cells[3]} |")
            lines.append("")
        deep = [(wl, req, rsp, depth) for wl, req, rsp, depth in FLOOR_PATTERNS if depth > 1 and wl in floor]
        if deep:
            lines += ["At QD32 (`tcp-floor depth 32`: 32 requests outstanding, the server answering all the whole "
                      "requests of each recv with one send): the least CPU per I/O any target can spend at that "
                      "depth here. With `split` the client sends as fio's libiscsi does, each request on its own "
                      "and a WRITE's 48-byte header apart from its data (two sends), which costs the server more "
                      "receives. Its latency is each request's send to its whole response (fio's completion "
                      "latency): the tail this machine gives a server that does nothing at that depth.", "",
                      "| exchange | request → response bytes | server CPU µs/request | client wall µs/request "
                      "| split: server CPU µs/request | split: latency p50 / p99.9 µs |",
                      "|---|---|---|---|---|---|"]
            for wl, req, rsp, depth in deep:
                cpu, trip = floor[wl]["depth"]
                split = floor[wl].get("depth-split")
                tail = floor_tails(bench.floor, wl).get("depth-split")
                lines.append(f"| {wl} | {req} → {rsp} | {cpu:.2f} | {trip:.2f} | "
                             f"{f'{split[0]:.2f}' if split else '–'} | "
                             f"{f'{tail[0]:.1f} / {tail[1]:.1f}' if tail else '–'} |")
            lines.append("")
        spanned = [(wl, req, rsp, depth) for wl, req, rsp, depth in SPAN_FLOOR_PATTERNS if wl in floor]
        if spanned:
            lines += [f"At 128 KiB and QD8 through {LUN_BYTES >> 30} GiB (`tcp-floor depth 8 ... split span`: the "
                      "client sending as libiscsi does, the server receiving each request into and sending each "
                      "response from successive places of a span as large as the LUN, in 2 MiB pages): the least CPU "
                      "per I/O a target that keeps a RAM LUN's data in memory can spend here. A write's data is "
                      "stored into memory, a read's only loaded from it.", "",
                      "| exchange | request → response bytes | server CPU µs/request | client wall µs/request |",
                      "|---|---|---|---|"]
            for wl, req, rsp, depth in spanned:
                cpu, trip = floor[wl]["depth-split"]
                lines.append(f"| {wl} | {req} → {rsp} | {cpu:.2f} | {trip:.2f} |")
            lines.append("")
    if bench.stalls:
        lines += ["Host stalls (`tcp-floor stalls`, before each repetition with the targets stopped): a thread "
                  f"spinning on each CPU for {STALL_SECONDS} s, all at once, counting the gaps of 1 ms or more "
                  "between two readings of the clock: the time this machine takes a CPU from a thread that never "
                  "sleeps (another task, an interrupt, the hypervisor descheduling the virtual CPU, which the "
                  "guest's scheduler does not see). Commands in flight on that CPU wait as long, so at depth these "
                  "gaps show in every target's tail. Median (min–max) over repetitions:", "",
                  "| CPU | stalls of ≥ 1 ms per s | longest ms | time lost in gaps ≥ 50 µs, % |",
                  "|---|---|---|---|"]
        for cpu in sorted({f["cpu"] for f in bench.stalls}):
            fs = [f for f in bench.stalls if f["cpu"] == cpu]
            cells = []
            for key, fmt in (("stalls_per_s", "{:.1f}"), ("longest_ms", "{:.2f}"), ("lost_pct", "{:.2f}")):
                vals = [f[key] for f in fs]
                cells.append(cell({key: (statistics.median(vals), min(vals), max(vals))}, key, fmt))
            lines.append(f"| {cpu} | " + " | ".join(cells) + " |")
        lines.append("")
    for name in args.targets:
        for kind, reason in bench.unavailable.get(name, {}).items():
            lines += [f"**{name}: not available on the {kind} LUN** — {reason}", ""]
    if bench.meta["direct_io"]:
        lines += ["O_DIRECT on the backing file/device (from /proc/PID/fdinfo): " +
                  ", ".join(f"{k}: {v}" for k, v in sorted(bench.meta["direct_io"].items())), ""]

    for kind in args.backstores:
        desc = {"ram": "RAM LUN (ringtarget: RAM backstore; tgt rdwr and istgt on a 1 GiB file in /dev/shm; "
                       "SPDK: 1 GiB malloc bdev)",
                "loop": "loop-device LUN (1 GiB file in /var/tmp, losetup --direct-io=on; "
                        "tgt --bsoflags direct; SPDK: aio bdev)",
                "shm": "loop-device LUN over tmpfs (1 GiB file in /dev/shm, losetup --direct-io=on, dio=1 checked; "
                       "ringtarget: block backstore; tgt --bsoflags direct; SPDK: aio bdev)"}[kind]
        lines += [f"## {desc}", ""]
        header = "| workload | target | " + " | ".join(h for _, h, _ in METRICS) + " | alloc B/IO | GC pauses (ms) |"
        lines += [header, "|" + "---|" * (header.count("|") - 1)]
        for w in bench.workloads():
            for name in args.targets:
                m = agg.get((kind, w.name, name))
                if not m:
                    continue
                row = [w.name, name] + [cell(m, k, f) for k, _, f in METRICS]
                row += [cell(m, "alloc_b_per_io", "{:.2f}") if is_ringtarget(name) else "",
                        f"{m['gc_total']} ({m['gc_ms_total']})" if is_ringtarget(name) and "gc_count" in m else ""]
                lines.append("| " + " | ".join(row) + " |")
        lines.append("")
        if SPDK in args.targets and kind in bench.meta["spdk_memory"]:
            lines += [f"SPDK ran on one core (`-m`, its reactor polling) with DPDK memory from "
                      f"{bench.meta['spdk_memory'][kind]}; its server CPU per I/O includes that polling.", ""]
        lines += idle_section(bench, args, kind)
        lines += stream_section(bench, args, agg, kind)
        lines += many_sessions_section(bench, args, agg, kind)
        if args.baseline_name in args.targets:
            lines += baseline_section(bench, args, agg, kind)
        if METRICS_VARIANT in args.targets and RINGTARGET in args.targets:
            runs = [s for s in bench.samples if s["kind"] == kind and s["target"] == METRICS_VARIANT]
            scrapes = sum(s.get("scrapes", 0) for s in runs)
            per_scrape = [s["scrape_alloc_bytes"] / (s["window_s"] / SCRAPE_INTERVAL_S) / 1024 for s in runs
                          if s.get("scrape_alloc_bytes") is not None and s.get("window_s")]
            alloc = (f" The threads answering the scrapes allocated {statistics.median(per_scrape):.0f} KiB per scrape "
                     f"(median over the runs; not in alloc B/IO, which counts the other threads).") if per_scrape else ""
            lines += [f"Metrics on against off: {METRICS_VARIANT} is the same jar as {RINGTARGET} with its Prometheus "
                      f"endpoint on and fetched every {SCRAPE_INTERVAL_S:g} s during each of its runs "
                      f"({scrapes} scrapes in {len(runs)} runs); {RINGTARGET} runs with `--metrics off`.{alloc}", ""]
            lines += baseline_section(bench, args, agg, kind, METRICS_VARIANT, RINGTARGET)
        if POLL_VARIANT in args.targets:
            lines += [f"Polling: {POLL_VARIANT} is the same jar as {RINGTARGET} with one event loop that spins "
                      "(`--loops 1 --idle-strategy busy`) instead of two that sleep when out of work, the whole "
                      f"process confined to CPU {spdk_core()} (`taskset`), where SPDK's reactor runs: a polling target "
                      "on one core, as SPDK runs; its server CPU per I/O includes the polling.", ""]
            for other in (SPDK, RINGTARGET):
                if other in args.targets:
                    lines += baseline_section(bench, args, agg, kind, POLL_VARIANT, other)
        if PARAMS_VARIANT in args.targets and RINGTARGET in args.targets:
            lines += [f"TPG parameters: {PARAMS_VARIANT} is the same jar as {RINGTARGET} with its TPG offering "
                      + ", ".join(f"`{p}`" for p in args.ringtarget_params) + " (`demo --parameter`).", ""]
            lines += baseline_section(bench, args, agg, kind, PARAMS_VARIANT, RINGTARGET)
        if SMALL_PAGES_VARIANT in args.targets and RINGTARGET in args.targets:
            lines += [f"Page size: {SMALL_PAGES_VARIANT} is the same jar as {RINGTARGET} with its RAM LUN in 4 KiB "
                      "pages (`demo --no-huge-pages`) instead of 2 MiB transparent huge pages; a block LUN is served "
                      "alike.", ""]
            lines += baseline_section(bench, args, agg, kind, SMALL_PAGES_VARIANT, RINGTARGET)
        if NO_SPIN_VARIANT in args.targets:
            lines += [f"Polling after work: {NO_SPIN_VARIANT} is the same jar as {RINGTARGET} with loops that sleep in "
                      "io_uring_enter as soon as they run out of work (`demo --idle-spin-micros 0`) instead of polling "
                      "up to 50 us first.", ""]
            for other in (RINGTARGET, SPDK):
                if other in args.targets:
                    lines += baseline_section(bench, args, agg, kind, NO_SPIN_VARIANT, other)
        peers = [p for p in PEERS if p in args.targets]
        if peers:
            lines += [f"Ratios of medians ({', '.join('ours/' + p for p in peers)}; latency and CPU: lower is "
                      "better):", ""]
            lines += ["| workload | IOPS | mean latency | p99.9 latency | server CPU/IO |", "|---|---|---|---|---|"]
            for w in bench.workloads():
                cells = []
                for metric in ("iops", "mean_us", "p99_9_us", "cpu_us_per_io"):
                    cells.append(" / ".join(fmt_ratio(ratio(agg, kind, w.name, metric, RINGTARGET, p))
                                            for p in peers))
                lines.append(f"| {w.name} | " + " | ".join(cells) + " |")
            lines.append("")
            if TGT in peers and ISTGT in peers:
                lines += ["For reference, istgt/tgt: " + ", ".join(
                    f"{w.name} IOPS {fmt_ratio(ratio(agg, kind, w.name, 'iops', ISTGT, TGT))}"
                    for w in bench.workloads()), ""]
        lines += [f"Goals ({kind}):", ""]
        for goal, v, detail in evaluate_goals(agg, kind, ringtarget_reason(bench, args, kind), floor,
                                              stream_medians(bench.stream, kind), floor_tails_of(bench.floor)):
            lines.append(f"- **{v}** {goal} — {detail}")
        lines.append("")
        for k, wl, png, summary in made_plots:
            if k == kind:
                lines += [f"![{wl} {kind}]({png})", "", "```", summary, "```", ""]
    lines += ["Server CPU per I/O = Δ(utime+stime) of the target process (/proc/PID/stat, all threads) over "
              "fio's measurement window / (IOPS × window). fio CPU % = fio's usr+sys of its one job, or of all "
              "its jobs together (100% = one core). ringtarget's alloc B/IO and GCs come from JvmSampler (Attach API → ThreadMXBean allocated "
              "bytes of all threads but the sampling ones, GarbageCollectorMXBeans) over the same window. Idle "
              "targets are SIGSTOPped while another is measured. SPDK's reactor polls a whole core whenever it runs "
              "(its idle CPU), so its CPU per I/O is that core's time divided by its I/Os: it falls as its IOPS rise "
              "and says nothing of a lighter load's cost."
              + (" (--no-freeze: they were not.)" if args.no_freeze else ""), ""]
    return "\n".join(lines), agg


# What the comparison with the baseline shows per workload, and which way is better.
BASELINE_METRICS = [("iops", "IOPS", False), ("mean_us", "mean latency", True), ("p99_us", "p99 latency", True),
                    ("p99_9_us", "p99.9 latency", True), ("cpu_us_per_io", "server CPU/IO", True)]


def versus_baseline(agg, kind, wl, metric, base, lower_is_better, ours_name=RINGTARGET):
    """(ours/baseline ratio of the medians, "worse"/"better"/"" beyond the spread), or (None, "").

    Beyond the spread: the min–max ranges of the two over the repetitions do not overlap, which is as far as
    two to five repetitions can tell a change from this machine's noise. With one repetition nothing is."""
    ours, theirs = agg.get((kind, wl, ours_name), {}), agg.get((kind, wl, base), {})
    r = ratio(agg, kind, wl, metric, ours_name, base)
    if r is None or ours.get("reps", 0) < 2 or theirs.get("reps", 0) < 2:
        return r, ""
    (_, lo, hi), (_, base_lo, base_hi) = ours[metric], theirs[metric]
    if hi < base_lo:
        return r, "better" if lower_is_better else "worse"
    if lo > base_hi:
        return r, "worse" if lower_is_better else "better"
    return r, ""


def baseline_section(bench, args, agg, kind, ours_name=RINGTARGET, base=None):
    """The regression check: ringtarget (or ours_name) against its baseline (or base), per workload."""
    base = base or args.baseline_name
    title = "Against the baseline" if ours_name == RINGTARGET else f"{ours_name} against {base}"
    lines = [f"{title} ({ours_name} / {base}, ratios of medians; IOPS: higher is better, latency and CPU: "
             "lower is better; **worse** or **better** where the min–max ranges over the repetitions do not "
             "overlap):", ""]
    lines += ["| workload | " + " | ".join(h for _, h, _ in BASELINE_METRICS) + " |",
              "|---|" + "---|" * len(BASELINE_METRICS)]
    beyond = []
    for w in bench.workloads():
        cells = []
        for metric, header, low in BASELINE_METRICS:
            r, verdict = versus_baseline(agg, kind, w.name, metric, base, low, ours_name)
            cells.append(fmt_ratio(r) + (f" **{verdict}**" if verdict else ""))
            if verdict:
                beyond.append(f"{w.name} {header} {verdict} ({fmt_ratio(r)})")
        lines.append(f"| {w.name} | " + " | ".join(cells) + " |")
    reps = {t: max((m["reps"] for (k, _, n), m in agg.items() if k == kind and n == t), default=0)
            for t in (ours_name, base)}
    missing = [t for t, n in reps.items() if n == 0]
    if missing:
        lines += ["", f"Beyond the spread: no figures of {' and '.join(missing)} on this LUN.", ""]
    elif min(reps.values()) < 2:
        lines += ["", "Beyond the spread: cannot tell with fewer than 2 repetitions.", ""]
    else:
        lines += ["", "Beyond the spread: " + ("; ".join(beyond) if beyond else "nothing") + ".", ""]
    return lines


def baseline_text(bench, args, agg, ours_name=RINGTARGET, base=None):
    """One line per LUN kind for the end of the console output: what differs from the baseline beyond the spread."""
    out = []
    for kind in args.backstores:
        for line in baseline_section(bench, args, agg, kind, ours_name, base):
            if line.startswith("Beyond the spread"):
                out.append(f"[{kind}] {line}")
    return "\n".join(out)


def ringtarget_reason(bench, args, kind):
    """Why the goals cannot be evaluated on this LUN kind, or None."""
    if RINGTARGET not in args.targets:
        return "not in --targets"
    return bench.unavailable.get(RINGTARGET, {}).get(kind)


def goals_text(bench, args, agg):
    out = []
    for kind in args.backstores:
        for goal, v, detail in evaluate_goals(agg, kind, ringtarget_reason(bench, args, kind),
                                              floor_medians(bench.floor), stream_medians(bench.stream, kind),
                                              floor_tails_of(bench.floor)):
            out.append(f"{v:<4} [{kind}] {goal}: {detail}")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 s runs, 1 s ramp, 2 repetitions")
    ap.add_argument("--reps", type=int, help="repetitions (default 3, quick 2)")
    ap.add_argument("--runtime", type=int, help="seconds per run after the ramp (default 10, quick 3)")
    ap.add_argument("--ramp", type=int, help="fio ramp_time seconds (default 2, quick 1)")
    ap.add_argument("--targets", default=",".join(ALL_TARGETS),
                    help="comma list of ringtarget,tgt,istgt,spdk, ringtarget+metrics (the same build with its "
                         "Prometheus endpoint on and scraped every second; ringtarget runs with --metrics off), "
                         "ringtarget+poll, ringtarget+params, ringtarget+4k, ringtarget+nospin (docs/benchmarks.md) "
                         "and "
                         "ringtarget@LABEL, the baseline (default: the four, and the baseline right after "
                         "ringtarget when there is one)")
    ap.add_argument("--baseline-ref", default="",
                    help="also measure ringtarget as built from this git commit (a throw-away worktree under "
                         ".cache/bench, its own ./ringtarget build), as target ringtarget@SHORT-SHA, and compare")
    ap.add_argument("--baseline-jar", default="",
                    help="also measure this ringtarget.jar, as target ringtarget@base (or the ringtarget@LABEL "
                         "of --targets), and compare")
    ap.add_argument("--backstores", default="ram,loop",
                    help="comma list of ram, loop (a loop device with direct I/O over a file on the VM's disk, "
                         "/var/tmp) and shm (the same over a file in /dev/shm: a block device without disk noise)")
    ap.add_argument("--workloads", default="",
                    help="comma list of workload names (default: " +
                         ", ".join(w.name for w in WORKLOADS if w.default) + "; only when named: " +
                         ", ".join(w.name for w in WORKLOADS if not w.default) +
                         "; a many-sessions workload brings its single-session QD32 reference along)")
    ap.add_argument("--congestion-control", default="",
                    help="the host's TCP congestion control for this run (net.ipv4.tcp_congestion_control: cubic, "
                         "bbr, ...), restored afterwards; empty: as the host has it")
    ap.add_argument("--free-page-reporting", choices=("keep", "off"), default="keep",
                    help="off: the guest's free page reporting (virtio-balloon) stops for this run and is put back "
                         "afterwards; on this VM it halves 128 KiB writes for seconds at a time (docs/benchmarks.md, "
                         "2026-12-07 07:30)")
    ap.add_argument("--ringtarget-params", default="FirstBurstLength=16384",
                    help="comma list of KEY=VALUE: the TPG parameters of target " + PARAMS_VARIANT +
                         " (demo --parameter), e.g. FirstBurstLength=16384,ImmediateData=No")
    ap.add_argument("--base-port", type=int, default=3260, help="targets on base, base+1, ... in --targets order")
    ap.add_argument("--out", help="results directory (default docs/benchmarks/DATE, quick: .cache/bench/TIME)")
    ap.add_argument("--no-freeze", action="store_true", help="do not SIGSTOP the idle targets")
    ap.add_argument("--pin-cpu", default="",
                    help="run fio and every target on these CPUs (taskset -c LIST): over loopback a wake-up that "
                         "crosses vCPUs dominates QD1 latency on a VM; pinning treats all targets alike")
    ap.add_argument("--keep-lat-logs", action="store_true", help="keep fio's per-I/O latency logs")
    ap.add_argument("--start-timeout", type=int, default=60, help="seconds for ringtarget or SPDK to serve")
    ap.add_argument("--idle", type=int, help="seconds of idle CPU per target before each repetition's workloads "
                                             "(default 5, quick 2; 0: not measured)")
    ap.add_argument("--spdk-dir", default="", help="SPDK tree built by build-spdk.sh; empty: spdk not available")
    ap.add_argument("--spdk-build-log", default="")
    ap.add_argument("--fio", required=True)
    ap.add_argument("--floor-bin", default="", help="tcp-floor binary (run-bench.sh builds it); empty: no floor")
    ap.add_argument("--java-home", default="")
    ap.add_argument("--sampler-cp", default="", help="classpath of the harness classes and HdrHistogram")
    ap.add_argument("--ringtarget-built", type=int, default=1)
    ap.add_argument("--ringtarget-build-log", default="")
    ap.add_argument("--ringtarget-jar", default=os.path.join(ROOT, "server", "target", "ringtarget.jar"))
    ap.add_argument("--command-line", default=" ".join(sys.argv))
    args = ap.parse_args()
    global PIN_CPUS
    PIN_CPUS = args.pin_cpu
    args.reps = args.reps or (2 if args.quick else 3)
    args.runtime = args.runtime or (3 if args.quick else 10)
    args.ramp = args.ramp if args.ramp is not None else (1 if args.quick else 2)
    args.idle = args.idle if args.idle is not None else (2 if args.quick else 5)
    args.targets = [t for t in args.targets.split(",") if t]
    args.backstores = [b for b in args.backstores.split(",") if b]
    args.workloads = [w for w in args.workloads.split(",") if w]
    args.ringtarget_params = [p for p in args.ringtarget_params.split(",") if p]
    for t in args.targets:
        if t not in ALL_TARGETS and t not in VARIANTS and not t.startswith(BASELINE_PREFIX):
            ap.error(f"unknown target {t}")
    if len(set(args.targets)) != len(args.targets):
        ap.error("a target is named twice in --targets")
    baseline_targets(ap, args)
    for b in args.backstores:
        if b not in BACKSTORES:
            ap.error(f"unknown backstore {b}")
    for w in args.workloads:
        if w not in [x.name for x in WORKLOADS]:
            ap.error(f"unknown workload {w}")
    if not args.out:
        now = datetime.datetime.now(datetime.timezone.utc)
        args.out = (os.path.join(ROOT, ".cache", "bench", now.strftime("%Y%m%dT%H%M%SZ")) if args.quick
                    else os.path.join(ROOT, "docs", "benchmarks", now.strftime("%Y-%m-%d")))
        if not args.quick and os.path.exists(args.out):
            args.out += now.strftime("-%H%M")             # a second run the same day keeps the first one
    args.out = os.path.abspath(args.out)
    if os.path.isdir(os.path.join(args.out, "fio")):
        shutil.rmtree(os.path.join(args.out, "fio"))
    os.makedirs(args.out, exist_ok=True)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    # The baseline is built first (minutes): a failed build is reported "not available", like ringtarget's.
    args.baseline_error = ""
    # ringtarget starts with the environment this checkout's launcher gives its JVM; a --baseline-ref with its
    # commit's, a --baseline-jar (built elsewhere, usually a variant of this checkout) with this checkout's.
    args.ringtarget_jvm = launcher_jvm(ROOT)
    args.baseline_jvm = args.ringtarget_jvm
    if args.baseline_ref:
        try:
            jar, args.baseline_jvm, args.baseline_error = build_baseline(args.baseline_commit,
                                                      args.baseline_name[len(BASELINE_PREFIX):],
                                                      os.path.dirname(os.path.abspath(args.ringtarget_jar)))
        except KeyboardInterrupt as e:
            raise SystemExit(f"bench: interrupted while building the baseline ({e})")
        args.baseline_jar = jar or ""
        if args.baseline_error:
            log(f"baseline: {args.baseline_error}")

    bench = Bench(args)

    # --congestion-control: the host's TCP congestion control for this run (every target and fio alike), put back
    # as it was whatever happens; Debian's kernel default is cubic, this VM's bbr.
    args.host_tcp_cc = read_sysctl(TCP_CC)
    # --free-page-reporting off: a guest reports its free 2^order-page blocks to the host, which discards them, and
    # the next use of such memory waits for the host to fault it in again. The kernel reports blocks of
    # page_reporting_order pages or more; one above the buddy allocator's largest order reports none.
    args.host_page_reporting = read_sysctl(PAGE_REPORTING) if os.path.exists(PAGE_REPORTING) else ""
    page_reporting_off = args.free_page_reporting == "off" and args.host_page_reporting != ""
    if args.congestion_control:
        write_sysctl(TCP_CC, args.congestion_control)
    try:
        if page_reporting_off:
            write_sysctl(PAGE_REPORTING, str(buddy_orders()))
        return run_and_report(bench, args)
    finally:
        if args.congestion_control:
            write_sysctl(TCP_CC, args.host_tcp_cc)
        if page_reporting_off:
            write_sysctl(PAGE_REPORTING, args.host_page_reporting)


TCP_CC = "/proc/sys/net/ipv4/tcp_congestion_control"
PAGE_REPORTING = "/sys/module/page_reporting/parameters/page_reporting_order"


def buddy_orders():
    """How many block orders the buddy allocator has (its columns in /proc/buddyinfo): 11 for orders 0-10."""
    with open("/proc/buddyinfo") as f:
        return max(len(line.split()) - 4 for line in f)


def page_reporting_state(args):
    """What results.md says about free page reporting in this run."""
    if not args.host_page_reporting:
        return "free page reporting: not in this kernel"
    now = read_sysctl(PAGE_REPORTING)
    if args.free_page_reporting == "off":
        return (f"free page reporting: off for this run (page_reporting_order {now}; the host's is "
                f"{args.host_page_reporting})")
    return f"free page reporting: page_reporting_order {now} (2^{now} pages and larger free blocks are reported)"


def read_sysctl(path):
    with open(path) as f:
        return f.read().strip()


def write_sysctl(path, value):
    with open(path, "w") as f:
        f.write(value)
    log(f"{path} = {value}")


def run_and_report(bench, args):
    info = machine_info(args)
    log(f"results in {args.out}")
    failed = None
    try:
        bench.run()
    except BaseException as e:            # report what was measured, then fail
        failed = e
        log(f"run aborted: {e!r}")
    finally:
        bench.stop_all()

    with open("/proc/loadavg") as f:
        info["load_after"] = f.read().strip()
    made = plots(bench, args, os.path.join(args.java_home, "bin", "java")) if bench.samples else []
    md, agg = report(bench, args, info, made)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(args.out, "command.txt"), "w") as f:
        f.write(args.command_line + "\n")
    if not args.keep_lat_logs:
        shutil.rmtree(os.path.join(bench.workdir, "lat"), ignore_errors=True)
        for s in bench.samples:
            s["lat_log"] = None
    for name in os.listdir(bench.workdir):
        if "-gc-" in name and is_ringtarget(name.split("-gc-")[0]):      # the GC logs go with the results
            shutil.copy(os.path.join(bench.workdir, name), os.path.join(args.out, name.replace(".log", ".txt")))
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"machine": info, "args": {k: v for k, v in vars(args).items()},
                   "unavailable": bench.unavailable, "meta": bench.meta, "floor": bench.floor,
                   "stream": bench.stream, "stalls": bench.stalls, "idle": bench.idle,
                   "samples": bench.samples,
                   "aggregate": [{"kind": k, "workload": w, "target": t, **{m: v for m, v in ms.items()}}
                                 for (k, w, t), ms in sorted(agg.items())]}, f, indent=1)
    print()
    print(md)
    print("Goals:")
    print(goals_text(bench, args, agg))
    if args.baseline_name in args.targets:
        print(f"Against the baseline {args.baseline_name}:")
        print(baseline_text(bench, args, agg))
    if METRICS_VARIANT in args.targets and RINGTARGET in args.targets:
        print(f"Metrics on ({METRICS_VARIANT}) against off ({RINGTARGET}):")
        print(baseline_text(bench, args, agg, METRICS_VARIANT, RINGTARGET))
    if PARAMS_VARIANT in args.targets and RINGTARGET in args.targets:
        print(f"TPG parameters ({PARAMS_VARIANT}) against {RINGTARGET}:")
        print(baseline_text(bench, args, agg, PARAMS_VARIANT, RINGTARGET))
    if SMALL_PAGES_VARIANT in args.targets and RINGTARGET in args.targets:
        print(f"4 KiB pages ({SMALL_PAGES_VARIANT}) against huge pages ({RINGTARGET}):")
        print(baseline_text(bench, args, agg, SMALL_PAGES_VARIANT, RINGTARGET))
    if NO_SPIN_VARIANT in args.targets and RINGTARGET in args.targets:
        print(f"No polling after work ({NO_SPIN_VARIANT}) against the default 50 us ({RINGTARGET}):")
        print(baseline_text(bench, args, agg, NO_SPIN_VARIANT, RINGTARGET))
    for other in (SPDK, RINGTARGET):
        if POLL_VARIANT in args.targets and other in args.targets:
            print(f"Polling ({POLL_VARIANT}) against {other}:")
            print(baseline_text(bench, args, agg, POLL_VARIANT, other))
    log(f"results: {os.path.join(args.out, 'results.md')}")
    if failed:
        raise SystemExit(f"bench: aborted: {failed!r}")


if __name__ == "__main__":
    main()
