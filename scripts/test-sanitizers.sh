#!/usr/bin/env bash
# Builds the native test suite with AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer)
# and runs it; any report fails. Needs oneDNN unpacked by the Maven build (./mvnw -pl native
# generate-sources, or any full build) — `./dev test` runs this after the Maven build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dnnl="$root/native/target/dnnl/org/bytedeco/dnnl/linux-x86_64"
[ -f "$dnnl/libdnnl.so.3" ] || { echo "test-sanitizers: run the Maven build first ($dnnl missing)" >&2; exit 1; }
build="$root/native/target/cmake-asan"
flags="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S "$root/native" -B "$build" -DJAO_DNNL_ROOT="$dnnl" -DCMAKE_BUILD_TYPE=Debug -DJAO_BUILD_TESTS=ON \
  -DJAO_BUILD_BENCH=OFF "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" \
  "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target jao_native_tests >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$build/test/jao_native_tests" --gtest_brief=1
echo "sanitizers: native suite clean under ASan + UBSan + LSan"
