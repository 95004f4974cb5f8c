# Sourced by ./tend and ./run-tests: finds a JDK >= 21 (JAVA_HOME first, then /usr/lib/jvm)
# and exports JAVA_HOME, or stops with a clear message.

tend_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

tend_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(tend_java_major "$candidate")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      TEND_JAVA_MAJOR="${major%%.*}"
      # Maven's own Guava uses sun.misc.Unsafe; JDK 24+ warns about it unless told otherwise.
      if [ "$TEND_JAVA_MAJOR" -ge 24 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
      fi
      return 0
    fi
  done
  echo "tend: no JDK 21 or newer found. Set JAVA_HOME to one, or install one under /usr/lib/jvm" >&2
  echo "      (for example: apt-get install openjdk-21-jdk-headless, or a Temurin 21+ JDK)." >&2
  return 1
}

tend_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "tend: Maven (mvn) is not on PATH; install it (apt-get install maven) to build Tend." >&2
    return 1
  fi
}
