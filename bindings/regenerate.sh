#!/usr/bin/env bash
# Regenerates the FFM bindings from native/include/jao/jao.h with jextract
# (from $JEXTRACT, else PATH):
#  1. jextract --dump-includes lists every symbol the headers declare;
#  2. the jao_* / JAO_* ones become jextract-includes.txt (nothing from libc leaks in);
#  3. the bindings are generated into src/main/java/dev/jao/bindings;
#  4. header.sha256 records the headers' digest; BindingsAreCurrentTest fails when
#     the headers change without a regeneration.
# jextract is in no registry: build it from the openjdk/jextract source (README,
# "Regenerating the bindings"); it is never part of this repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jextract=${JEXTRACT:-$(command -v jextract || true)}
if [ -z "$jextract" ]; then
  echo "regenerate.sh: jextract not found; set JEXTRACT or put it on PATH" >&2
  exit 1
fi
header="$root/native/include/jao/jao.h"
dump=$(mktemp)
trap 'rm -f "$dump"' EXIT
"$jextract" -I "$root/native/include" --dump-includes "$dump" "$header" >/dev/null
grep -E -- '--include-[a-z]+ (jao_|JAO_)' "$dump" | sed 's/ *#.*$//' | LC_ALL=C sort > "$here/jextract-includes.txt"
out="$here/src/main/java"
rm -rf "$out/dev/jao/bindings"
"$jextract" --output "$out" -t dev.jao.bindings --header-class-name JaoAbi \
  -I "$root/native/include" @"$here/jextract-includes.txt" "$header"
"$here/header-hash.sh" > "$here/header.sha256"
echo "bindings regenerated ($(wc -l < "$here/jextract-includes.txt") symbols); header hash $(cat "$here/header.sha256")"
