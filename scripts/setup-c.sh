#!/usr/bin/env bash
# What the C ABI's test stage needs on top of scripts/setup.sh: a C and C++
# compiler, CMake and pkg-config (packaging tests), valgrind, and libcurl's
# headers (the POS terminal example). Idempotent: apt runs only when a
# package is missing.
set -euo pipefail

SETUP_TAG=setup-c
# shellcheck source=scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# gcc/g++ bring libasan and libubsan for the sanitizer run.
apt_install gcc g++ make cmake pkg-config valgrind libcurl4-openssl-dev
