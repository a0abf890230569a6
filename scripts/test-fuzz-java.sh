#!/usr/bin/env bash
# Fuzzes the Java file parsers with Jazzer (Maven Central com.code-intelligence:jazzer-junit):
# each @FuzzTest class in tests/src/test/java/dev/jao/fuzz runs in fuzzing mode
# (JAZZER_FUZZ=1, one class per JVM as Jazzer requires) for its maxDuration (30 s), from
# the committed seeds (tests/src/test/resources/dev/jao/fuzz/<Class>Inputs/) plus the corpus
# earlier runs grew in tests/.cifuzz-corpus. A finding (any exception other than the
# parser's IllegalArgumentException rejection, or a crash) fails the run; Jazzer writes its
# reproducer next to the seeds, where every ordinary test run then replays it.
# Prints one line per target: executions and findings. Runs the tests module against the
# installed jao artifacts (./dev test installs them first; else run ./mvnw install).
#   scripts/test-fuzz-java.sh
#   JAO_JAVA_FUZZ_TARGETS="ModelFileFuzzTest" scripts/test-fuzz-java.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
read -r -a targets <<<"${JAO_JAVA_FUZZ_TARGETS:-SafetensorsFuzzTest ModelFileFuzzTest}"
logs="$root/tests/target/fuzz-java"
mkdir -p "$logs"

summary=() failed=0
for t in "${targets[@]}"; do
  out="$logs/$t.log" rc=0
  JAZZER_FUZZ=1 "$root/mvnw" -B -pl tests verify -Dtest="$t" \
    -Dsurefire.failIfNoSpecifiedTests=false >"$out" 2>&1 || rc=$?
  runs=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$out" | tail -1 || true)
  if [ "$rc" -ne 0 ] || [ -z "$runs" ]; then
    failed=1
    grep -E -A20 '== Java Exception|FATAL|ERROR\]|Tests run:.*Fail' "$out" | head -60 >&2
    summary+=("$(printf '  %-22s FAIL (log: %s)' "$t" "$out")")
  else
    summary+=("$(printf '  %-22s ok   %s, 0 findings' "$t" "${runs#Done }")")
  fi
done
echo "test-fuzz-java: Jazzer $(sed -n 's:.*<jazzer.version>\(.*\)</jazzer.version>.*:\1:p' "$root/pom.xml")"
printf '%s\n' "${summary[@]}"
[ "$failed" -eq 0 ] || { echo "test-fuzz-java: FAILED" >&2; exit 1; }
