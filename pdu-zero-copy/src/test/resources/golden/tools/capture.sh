#!/bin/bash
# capture.sh NAME CMD... : capture "tcp port 3269" on lo into $OUT/NAME.pcapng (OUT defaults to .) while CMD runs.
out=${OUT:-.}
name=$1; shift
rm -f "$out/$name.pcapng"
tshark -i lo -f "tcp port 3269" -w "$out/$name.pcapng" -q > "$out/$name.tshark.log" 2>&1 &
tp=$!
for i in $(seq 1 50); do grep -q "Capturing on" "$out/$name.tshark.log" && break; sleep 0.1; done
sleep 0.3
"$@" > "$out/$name.out" 2>&1; echo "rc=$?" >> "$out/$name.out"
sleep 0.5
kill -INT $tp; wait $tp
