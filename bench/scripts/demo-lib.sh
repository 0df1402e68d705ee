# Sourced by the bench scripts that start target jars' demos by hand (qd1-think.sh, qd1-beside-stream.sh): each demo
# starts as ./ringtarget starts one (bin/jvm-env.sh's environment and heap options for a target), on 127.0.0.1:3260.
# JAVA: the java to run (default Temurin 25).
# shellcheck source=../../bin/jvm-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../bin/jvm-env.sh"
ringtarget_jvm_env
demo_java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
demo_url='iscsi\://127.0.0.1\:3260/iqn.2026-11.io.ringtarget\:demo/0'   # LUN 0, escaped for fio's --filename
demo_pid=

# demo_start JAR LOG [DEMO OPTION...]: the demo in the background (its pid in demo_pid), once 127.0.0.1:3260 accepts.
demo_start() {
  local jar=$1 log=$2
  shift 2
  # shellcheck disable=SC2086 # a list of options
  "$demo_java" $RINGTARGET_TARGET_JAVA_OPTS --enable-native-access=ALL-UNNAMED \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$jar" demo "$@" > "$log" 2>&1 &
  demo_pid=$!
  for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/3260) 2>/dev/null && return 0; sleep 0.2; done
  echo "the demo of $jar does not listen on 127.0.0.1:3260 (its output: $log)" >&2
  return 1
}

# demo_stop: stops the demo demo_start started, if any.
demo_stop() {
  [ -n "$demo_pid" ] || return 0
  kill "$demo_pid" 2>/dev/null
  wait "$demo_pid" 2>/dev/null || true
  demo_pid=
}

# cpu_ticks PID: the process's user and system CPU time so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
