#!/usr/bin/env bash
# What the C ABI's test stage needs on top of scripts/setup.sh: a C and C++
# compiler, CMake and pkg-config (packaging tests), valgrind, and libcurl's
# headers (the POS terminal example). Idempotent: apt runs only when a
# package is missing.
set -euo pipefail

say() { printf '\033[1m[setup-c]\033[0m %s\n' "$*"; }

apt_install() {
  # $@: Debian packages. apt-get update once, only when something is missing.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# gcc/g++ bring libasan and libubsan for the sanitizer run.
apt_install gcc g++ make cmake pkg-config valgrind libcurl4-openssl-dev
