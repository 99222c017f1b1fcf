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

# The C library's release targets: the Linux ones are .tar.gz archives, the
# Windows ones .zip (scripts/package-c.sh).
C_RELEASE_TARGETS=(x86_64-unknown-linux-gnu x86_64-pc-windows-gnu i686-pc-windows-gnu
  aarch64-unknown-linux-gnu)

# c_release_build TARGET: builds the C library in release mode for TARGET,
# once for the tests and the archives alike (scripts/test-c-cross.sh and
# scripts/package-c.sh run the same command, so the second is a no-op), and
# sets from cargo's own report (--message-format=json), never from a guessed
# path:
#   C_STATICLIB  libmomo_pos.a
#   C_CDYLIB     libmomo_pos.so or momo_pos.dll
#   C_IMPLIB     libmomo_pos.dll.a (Windows; empty elsewhere)
#   C_NATIVE     what a static link needs from the system (rustc's
#                native-static-libs for TARGET)
# The flags make the output independent of where the repository and
# ~/.cargo are (--remap-path-prefix), drop symbols (not the exports) and, on
# Windows, the link time stamp (scripts/package-c.sh also removes, from the
# Windows static library, an import library named after a random folder).
# Honours CARGO_TARGET_DIR. Run from the repository root.
c_release_build() {
  local target=$1 upper flags json
  local repo cargo_home
  repo=$(pwd -P)
  cargo_home=$(cd "${CARGO_HOME:-$HOME/.cargo}" && pwd -P)
  upper=$(echo "$target" | tr 'a-z-' 'A-Z_')
  flags="--remap-path-prefix=$repo=/momo-pos --remap-path-prefix=$cargo_home=/cargo -C strip=symbols"
  case $target in
    *-windows-gnu) flags+=" -C link-arg=-Wl,--no-insert-timestamp" ;;
  esac
  json=$(env "CARGO_TARGET_${upper}_RUSTFLAGS=$flags" \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    cargo rustc --release --locked --quiet --lib --target "$target" --message-format=json \
    -- --print native-static-libs) || {
    # shellcheck disable=SC2154
    printf '%s\n' "$json" | python3 -c 'import json, sys
for line in sys.stdin:
    if line.startswith("{"):
        m = json.loads(line)
        if m.get("reason") == "compiler-message": sys.stderr.write(m["message"]["rendered"] or "")'
    return 1
  }
  local parsed
  parsed=$(printf '%s\n' "$json" | python3 -c 'import json, shlex, sys
art = {}; native = None
for line in sys.stdin:
    if not line.startswith("{"): continue
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "momo_pos" \
            and "staticlib" in m["target"]["kind"]:
        for f in m["filenames"]:
            for key, end in (("C_STATICLIB", "libmomo_pos.a"), ("C_CDYLIB", "libmomo_pos.so"),
                             ("C_CDYLIB", "momo_pos.dll"), ("C_IMPLIB", "libmomo_pos.dll.a")):
                if f.endswith("/" + end): art[key] = f
    elif m.get("reason") == "compiler-message":
        text = m["message"]["message"]
        if text.startswith("native-static-libs: "): native = text[len("native-static-libs: "):]
        elif m["message"]["level"] in ("warning", "error"): sys.stderr.write(m["message"]["rendered"] or "")
if native is None or "C_STATICLIB" not in art or "C_CDYLIB" not in art:
    sys.exit("cargo reported no libmomo_pos.a, shared library or native-static-libs")
art.setdefault("C_IMPLIB", ""); art["C_NATIVE"] = native
for k, v in sorted(art.items()): print(k + "=" + shlex.quote(v))')
  [ -n "$parsed" ] && eval "$parsed"
}

# c_subst TEMPLATE OUT: fills packaging/*.in with $prefix, $version, $target
# and $native (rustc's native-static-libs).
c_subst() {
  local major=${version%%.*} minor=${version#*.}
  minor=${minor%%.*}
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" \
    -e "s|@MINOR@|$minor|g" -e "s|@TARGET@|${target:-}|g" -e "s|@NATIVE_STATIC_LIBS@|$native|g" \
    -e "s|@NATIVE_STATIC_LIBS_CMAKE@|${native// /;}|g" "$1" >"$2"
}
