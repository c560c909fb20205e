# Sourced by ./sprocket, ./test and .ci/run: sets JAVA_HOME to a JDK >= 21, or explains what to install.
# Order: $JAVA_HOME, then the usual JVM folders (newest first), then `java` on PATH.
sprocket_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

sprocket_find_java() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for c in $(ls -d /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/ /opt/java/*/ 2>/dev/null | sort -rV); do
    candidates+=("${c%/}/bin/java")
  done
  command -v java >/dev/null 2>&1 && candidates+=("$(readlink -f "$(command -v java)")")
  for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    major="$(sprocket_java_major "$c")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      JAVA_HOME="$(cd "$(dirname "$c")/.." && pwd)"
      export JAVA_HOME
      return 0
    fi
  done
  echo "sprocket: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, and java on PATH)." >&2
  echo "sprocket: install one (Debian/Ubuntu: apt-get install openjdk-21-jdk-headless, or Temurin 21+) or set JAVA_HOME." >&2
  return 1
}
