#!/usr/bin/env bash
# Builds and runs the JMH benchmarks (bench/); extra arguments go to JMH, e.g.
#   scripts/bench-java.sh IntxForwardBench -p format=int4_g32_bf16
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/mvnw" -q -B -pl bench -am package -DskipTests
java_home=$("$root/scripts/find-jdk.sh")
exec "$java_home/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$root/bench/target/jao-bench.jar:$root/bench/target/lib/*" org.openjdk.jmh.Main "$@"
