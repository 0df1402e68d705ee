#!/usr/bin/env bash
# Sourced by ./ringtarget and .ci/run: sets JAVA_HOME to a JDK >= 25 (the build targets release 25, FFM API).
# Order: JAVA_HOME if it fits, then `java` on PATH, then the usual /usr/lib/jvm and /opt places.
ringtarget_jdk_major() { # $1 = JDK home; prints the feature release number
  # The JDK's release file says it without starting a JVM (a JVM start is most of a CLI command's time);
  # ask the JVM only for a JDK without one.
  local v=""
  [ -r "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  echo "$v"
}
ringtarget_find_jdk() {
  local want=25 cand v
  for cand in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
              /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2*-jdk-* /usr/lib/jvm/java-2*-openjdk-* \
              /usr/lib/jvm/jdk-2* /opt/jdk-2* /opt/java/openjdk; do
    [ -n "$cand" ] && [ -x "$cand/bin/javac" ] || continue
    v=$(ringtarget_jdk_major "$cand")
    if [ -n "$v" ] && [ "${v%%.*}" -ge "$want" ] 2>/dev/null; then
      export JAVA_HOME="$cand"; export PATH="$JAVA_HOME/bin:$PATH"; return 0
    fi
  done
  echo "ringtarget: no JDK >= $want found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt)." >&2
  echo "  Install one, e.g. Temurin 25 (apt-get install temurin-25-jdk from the Adoptium repository)," >&2
  echo "  or point JAVA_HOME at it." >&2
  return 1
}
