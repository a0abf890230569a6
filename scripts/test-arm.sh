#!/usr/bin/env bash
# Cross-builds the native library and its test binary for aarch64 with Debian's
# g++-aarch64-linux-gnu and runs the native test suite under qemu-user
# (`qemu-aarch64 -cpu max`, the toolchain's CMAKE_CROSSCOMPILING_EMULATOR) once per
# Arm tier, the tiers side by side.
# Emulation only: this checks results, it measures no Arm performance.
#   scripts/test-arm.sh                          # tiers neon, dotprod, i8mm
#   JAO_ARM_TIERS="scalar i8mm" scripts/test-arm.sh
# Build tree: native/target/cmake-aarch64 (incremental); oneDNN: the Maven
# Central org.bytedeco:dnnl linux-arm64 jar, unpacked by the native module.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/native/target/cmake-aarch64"
dnnl="$root/native/target/dnnl/org/bytedeco/dnnl/linux-arm64"
read -r -a tiers <<<"${JAO_ARM_TIERS:-neon dotprod i8mm}"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "test-arm: $*" >&2; }

"$root/scripts/install-deps.sh" arm

t0=$(now)
# The native module's own unpack execution, with the arm64 classifier (same dnnl.version as x86).
mkdir -p "$build"
if ! "$root/mvnw" -B -q -pl native initialize -Djao.dnnl.classifier=linux-arm64 >"$build/maven.log" 2>&1; then
  cat "$build/maven.log" >&2; log "Maven could not unpack org.bytedeco:dnnl:linux-arm64"; exit 1
fi
[ -f "$dnnl/libdnnl.so.3" ] || { log "no libdnnl.so.3 in $dnnl after the Maven unpack"; exit 1; }
t1=$(now)

if ! cmake -S "$root/native" -B "$build" \
      -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-aarch64-linux-gnu.cmake" \
      -DJAO_DNNL_ROOT="$dnnl" -DCMAKE_BUILD_TYPE=Release \
      -DJAO_BUILD_TESTS=ON -DJAO_BUILD_BENCH=OFF >"$build/configure.log" 2>&1; then
  cat "$build/configure.log" >&2; log "configure failed"; exit 1
fi
# libjao.so too: cheap, and its -Wl,--no-undefined link checks the Arm objects.
if ! cmake --build "$build" --parallel "$(nproc)" --target jao jao_native_tests >"$build/build.log" 2>&1; then
  grep -E -A5 'error|Error' "$build/build.log" | head -80 >&2; log "build failed (full log: $build/build.log)"; exit 1
fi
t2=$(now)
file -L "$build/test/jao_native_tests" | grep -q 'ARM aarch64' || { log "test binary is not aarch64"; exit 1; }

# The tiers run at the same time, the test binary under the toolchain's emulator
# as ctest would start it (ctest runs in one build tree would share its Testing/
# files): most tests keep one emulated thread busy, so three runs on the host's
# cores take ~2/3 of the time of one after another. OMP_WAIT_POLICY=passive:
# an idle OpenMP thread sleeps instead of spinning on a core another run needs.
sysroot=$(sed -n 's/^JAO_CROSS_SYSROOT:PATH=//p' "$build/CMakeCache.txt")
[ -n "$sysroot" ] || { log "no JAO_CROSS_SYSROOT in $build/CMakeCache.txt"; exit 1; }
run_tier() {
  local tier=$1 s rc=0
  s=$(now)
  JAO_ISA=$tier OMP_WAIT_POLICY=passive qemu-aarch64 -cpu max -L "$sysroot" \
    "$build/test/jao_native_tests" --gtest_brief=1 >"$build/test-$tier.log" 2>&1 || rc=$?
  echo "$rc $(secs "$s" "$(now)")" >"$build/test-$tier.status"
}
for tier in "${tiers[@]}"; do run_tier "$tier" & done
wait

summary=() failed=0
for tier in "${tiers[@]}"; do
  out="$build/test-$tier.log"
  read -r rc took <"$build/test-$tier.status"
  count() { grep -oE "\[  $1 *\] [0-9]+ test" "$out" | grep -oE '[0-9]+' | head -1 || true; }
  passed=$(count PASSED) skipped=$(count SKIPPED) fails=$(count FAILED)
  if grep -q "jao: ignoring JAO_ISA" "$out"; then rc=1; log "JAO_ISA=$tier was ignored: the probe does not report it"; fi
  if [ "$rc" -ne 0 ] || [ -z "$passed" ]; then
    failed=1; status=FAIL
    tail -60 "$out" >&2
  else
    status=ok
  fi
  summary+=("$(printf '  %-8s %-4s passed %-4s skipped %-3s failed %-3s %6s s' \
    "$tier" "$status" "${passed:-0}" "${skipped:-0}" "${fails:-0}" "$took")")
done

echo "test-arm: aarch64 native tests under $(qemu-aarch64 --version | head -1 | sed 's/ version / /') -cpu max"
echo "  oneDNN unpack $(secs "$t0" "$t1") s, cross configure+build $(secs "$t1" "$t2") s"
printf '%s\n' "${summary[@]}"
[ "$failed" -eq 0 ] || { log "FAILED (logs: $build/test-<tier>.log)"; exit 1; }
