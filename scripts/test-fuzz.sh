#!/usr/bin/env bash
# Builds the libFuzzer targets of native/fuzz/ (clang 15, ASan + UBSan, see its README)
# and runs each for JAO_FUZZ_SECONDS (default 60), at most JAO_FUZZ_JOBS (default 2) at
# once, from the committed seeds native/fuzz/corpus/<target>/ plus the corpus earlier
# runs grew in the build tree. Prints one line per target (executions, crashes, corpus);
# any crash, leak, timeout or sanitizer report fails, its reproducer kept in the build tree.
#   scripts/test-fuzz.sh
#   JAO_FUZZ_SECONDS=20 JAO_FUZZ_TARGETS="fuzz_affine fuzz_kleidiai" scripts/test-fuzz.sh
# Build: scripts/san-build.sh's tree native/target/cmake-san, shared with scripts/test-sanitizers.sh
# (whichever runs second finds the instrumented library built); the grown corpora: its runs/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/native/target/cmake-san"
seeds="$root/native/fuzz/corpus"
seconds=${JAO_FUZZ_SECONDS:-60}
jobs=${JAO_FUZZ_JOBS:-2}
log() { echo "test-fuzz: $*" >&2; }

"$root/scripts/san-build.sh" jao_fuzz
# The targets this tree has (the weight-only and int8 ones need their ABI implemented).
read -r -a targets <<<"${JAO_FUZZ_TARGETS:-$(tr ';' ' ' <"$build/fuzz/targets.txt")}"

# One target: grown corpus first (new inputs go there), then the read-only seeds.
run_target() {
  local t=$1 out="$build/runs/$t"
  rm -rf "$out/artifacts" "$out/rc" && mkdir -p "$out/artifacts" "$out/corpus" "$seeds/$t"
  local code=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/$t" -max_total_time="$seconds" -max_len=4096 -timeout=30 -rss_limit_mb=3072 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/" "$out/corpus" "$seeds/$t" >"$out/log" 2>&1 || code=$?
  echo "$code" >"$out/rc"
}

for t in "${targets[@]}"; do
  [ -x "$build/fuzz/$t" ] || { log "no fuzz target $t in $build/fuzz"; exit 1; }
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
done
wait

echo "test-fuzz: libFuzzer + ASan + UBSan, ${seconds} s per target, $jobs at a time"
failed=0
for t in "${targets[@]}"; do
  out="$build/runs/$t"
  code=$(cat "$out/rc" 2>/dev/null || echo missing)
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$out/log" | grep -oE '[0-9]+$' || echo 0)
  crashes=$(find "$out/artifacts" -type f | wc -l)
  reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|contract violated' "$out/log" || true)
  files=$(find "$out/corpus" -type f | wc -l)
  kb=$(( $(find "$out/corpus" -type f -printf "%s\n" | awk "{s+=\$1} END {print s+0}") / 1024 ))
  status=ok
  if [ "$code" != 0 ] || [ "$crashes" -ne 0 ] || [ "$reports" -ne 0 ]; then status=FAIL; failed=1; fi
  printf '  %-18s %-4s %10s execs  %s crashes  corpus %s files (%s KB)\n' "$t" "$status" "$execs" \
    "$crashes" "$files" "$kb"
  if [ "$status" = FAIL ]; then
    grep -E -B2 -A25 'ERROR: |runtime error:|contract violated' "$out/log" | head -60 >&2
    log "$t failed (exit $code; log $out/log; reproducers: $out/artifacts/)"
  fi
done
[ "$failed" -eq 0 ] || exit 1
