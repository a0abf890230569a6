#!/usr/bin/env bash
# Prints the SHA-256 of the C ABI headers and the jextract argfile, in a fixed order.
# The same digest is recomputed by the test BindingsAreCurrentTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
{ ls native/include/jao/*.h | LC_ALL=C sort; echo bindings/jextract-includes.txt; } | xargs cat | sha256sum | cut -d' ' -f1
