#!/usr/bin/env bash
# Installs the Debian packages the build and tests need beyond the fresh-machine set
# (JDKs, Maven, gcc/g++, cmake, git). Idempotent: installs only what is missing.
#   scripts/install-deps.sh            # native test deps (GoogleTest)
#   scripts/install-deps.sh arm        # + aarch64 cross toolchain, qemu-user, GoogleTest sources
set -euo pipefail

packages=(libgtest-dev)
for group in "$@"; do
  case "$group" in
    arm) packages+=(g++-aarch64-linux-gnu qemu-user googletest) ;;  # googletest: sources, built for aarch64
    *) echo "install-deps: unknown group '$group' (known: arm)" >&2; exit 2 ;;
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
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
