#!/usr/bin/env python3
"""Extract the TCP payload of each direction of each TCP connection in a capture into
NAME-N-initiator.bin (initiator -> target) and NAME-N-target.bin (target -> initiator).
Usage: extract.py capture.pcapng OUTDIR NAME TARGET_PORT"""
import subprocess, sys, collections
cap, out, name, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = subprocess.run(["tshark", "-r", cap, "-Y", "tcp.len > 0", "-o", "tcp.relative_sequence_numbers:TRUE",
                       "-T", "fields", "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.seq", "-e", "tcp.payload"],
                      capture_output=True, text=True, check=True).stdout.splitlines()
streams = collections.defaultdict(dict)
for row in rows:
    stream, src, seq, payload = row.split("\t")
    direction = "target" if src == port else "initiator"
    streams[(int(stream), direction)][int(seq)] = bytes.fromhex(payload.replace(":", ""))
for (stream, direction), segs in sorted(streams.items()):
    data = bytearray()
    for seq in sorted(segs):
        start = seq - 1  # relative seq starts at 1 after the SYN
        chunk = segs[seq]
        if start < len(data):  # retransmission overlap
            chunk = chunk[len(data) - start:]
        elif start > len(data):
            sys.exit(f"gap in stream {stream} {direction} at {len(data)}")
        data += chunk
    path = f"{out}/{name}-{stream}-{direction}.bin"
    open(path, "wb").write(data)
    print(path, len(data))
