#!/usr/bin/env bash
# The instrumented build shared by scripts/test-sanitizers.sh and scripts/test-fuzz.sh: one clang 15
# tree with the test suite and the libFuzzer targets. -DJAO_BUILD_FUZZ=ON compiles every object with
# ASan + UBSan and the library also with libFuzzer's coverage (native/CMakeLists.txt), so the library,
# the slow part, compiles once for both scripts: whichever runs second finds it built.
#   scripts/san-build.sh jao_native_tests     # or jao_fuzz (the target to build)
# Build tree: native/target/cmake-san (incremental); oneDNN: the Maven Central
# org.bytedeco:dnnl linux-x86_64 jar, unpacked by the native module (as scripts/test-arm.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/native/target/cmake-san"
dnnl="$root/native/target/dnnl/org/bytedeco/dnnl/linux-x86_64"
target=$1
log() { echo "san-build: $*" >&2; }

"$root/scripts/install-deps.sh" fuzz

mkdir -p "$build"
if [ ! -f "$dnnl/libdnnl.so.3" ]; then
  if ! "$root/mvnw" -B -q -pl native initialize >"$build/maven.log" 2>&1; then
    cat "$build/maven.log" >&2; log "Maven could not unpack org.bytedeco:dnnl:linux-x86_64"; exit 1
  fi
  [ -f "$dnnl/libdnnl.so.3" ] || { log "no libdnnl.so.3 in $dnnl after the Maven unpack"; exit 1; }
fi

# Debug: no -DNDEBUG; the optimization level is the -O2 native/CMakeLists.txt sets for this tree.
if ! cmake -S "$root/native" -B "$build" -DCMAKE_CXX_COMPILER=clang++-15 -DJAO_DNNL_ROOT="$dnnl" \
      -DCMAKE_BUILD_TYPE=Debug -DJAO_BUILD_FUZZ=ON -DJAO_BUILD_TESTS=ON -DJAO_BUILD_BENCH=OFF \
      >"$build/configure.log" 2>&1; then
  cat "$build/configure.log" >&2; log "configure failed"; exit 1
fi
if ! cmake --build "$build" --parallel "$(nproc)" --target "$target" >"$build/build-$target.log" 2>&1; then
  grep -E -A5 'error|Error' "$build/build-$target.log" | head -80 >&2
  log "build of $target failed (full log: $build/build-$target.log)"; exit 1
fi
