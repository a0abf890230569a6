#!/usr/bin/env bash
# Installs the Debian packages the build and tests need beyond the fresh-machine set
# (JDKs, Maven, gcc/g++, cmake, git). Idempotent: installs only what is missing.
#   scripts/install-deps.sh            # native test deps (GoogleTest)
#   scripts/install-deps.sh arm        # + aarch64 cross toolchain, qemu-user, GoogleTest sources
#   scripts/install-deps.sh fuzz       # + clang 15 with libFuzzer and libomp (scripts/san-build.sh)
set -euo pipefail

packages=(libgtest-dev)
for group in "$@"; do
  case "$group" in
    arm) packages+=(g++-aarch64-linux-gnu qemu-user googletest) ;;  # googletest: sources, built for aarch64
    # Debian 12 splits clang 15: the sanitizer runtimes come with clang-15, libFuzzer and
    # the OpenMP runtime clang's -fopenmp links (libomp) are separate packages.
    fuzz) packages+=(clang-15 libfuzzer-15-dev libomp-15-dev) ;;
    *) echo "install-deps: unknown group '$group' (known: arm, fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# Lock timeout: another apt run on the machine (e.g. a parallel build's install) finishes first.
"${sudo_cmd[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null
