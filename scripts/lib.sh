# Helpers shared by the setup scripts; sourced, not run. Set SETUP_TAG
# before sourcing to label the messages ([setup], [setup-c]...).

say() { printf '\033[1m[%s]\033[0m %s\n' "${SETUP_TAG:-setup}" "$*"; }

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

# What Rust's std needs from the system when libmomo_pos.a is linked (the
# libraries `--print native-static-libs` names on Linux; test-c.sh checks it).
RUST_STD_SYSLIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
