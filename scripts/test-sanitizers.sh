#!/usr/bin/env bash
# Builds the native test suite with AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer)
# and runs it; any report fails. The build is scripts/san-build.sh's clang tree, shared with
# scripts/test-fuzz.sh (native/target/cmake-san).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/san-build.sh" jao_native_tests
# KMP_HOT_TEAMS_MAX_LEVEL=0: clang's OpenMP runtime (libomp 15) loses workers' dispatch buffers
# when it reuses its hot team across parallel regions of different thread counts (LSan: direct
# leaks from libomp's allocator, their size following KMP_DISP_NUM_BUFFERS); without hot teams
# it does not. Only the runtime's thread reuse changes: jao's allocations are all still checked.
KMP_HOT_TEAMS_MAX_LEVEL=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$root/native/target/cmake-san/test/jao_native_tests" --gtest_brief=1
echo "sanitizers: native suite clean under ASan + UBSan + LSan"
