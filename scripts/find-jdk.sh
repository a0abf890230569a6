#!/usr/bin/env bash
# Prints the home of a JDK >= 23 (the generated FFM bindings need it).
# Order: $JAVA_HOME if suitable, else the newest suitable JDK under /usr/lib/jvm.
# Exits 1 with a message naming what is needed when none is found.
set -euo pipefail
required=23

feature_version() {  # $1 = JDK home; prints its feature release number, or nothing
  local release="$1/release"
  [ -x "$1/bin/javac" ] && [ -f "$release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

if [ -n "${JAVA_HOME:-}" ]; then
  v=$(feature_version "$JAVA_HOME")
  if [ -n "$v" ] && [ "$v" -ge "$required" ]; then echo "$JAVA_HOME"; exit 0; fi
fi
best="" best_v=0
for home in /usr/lib/jvm/*/; do
  home=${home%/}
  [ -L "$home" ] && continue
  v=$(feature_version "$home")
  if [ -n "$v" ] && [ "$v" -ge "$required" ] && [ "$v" -gt "$best_v" ]; then best=$home best_v=$v; fi
done
if [ -z "$best" ]; then
  echo "jao needs a JDK $required or newer (for the Foreign Function & Memory bindings)." >&2
  echo "JAVA_HOME=${JAVA_HOME:-<unset>} is not one, and none was found under /usr/lib/jvm." >&2
  echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
echo "$best"
