#!/usr/bin/env bash
# Release archives of the C library, one per target, into target/dist/
# (MOMO_DIST_DIR overrides): momo-pos-VERSION-TARGET.tar.gz (Linux) or .zip
# (Windows), each with one top folder momo-pos-VERSION-TARGET/:
#   include/momo_pos.h, include/momo_pos.hpp
#   lib/libmomo_pos.a, lib/momo_pos.native-static-libs, lib/cmake/momo_pos/
#   Linux:   lib/libmomo_pos.so, lib/pkgconfig/momo_pos{,-static}.pc
#   Windows: bin/momo_pos.dll, lib/libmomo_pos.dll.a (MinGW),
#            lib/momo_pos.lib (Visual Studio, made by dlltool from
#            lib/momo_pos.def)
#   README.md (for C users), LICENSE-MIT, LICENSE-APACHE
# and SHA256SUMS over the archives. Reproducible: SOURCE_DATE_EPOCH (default
# the commit's time) for every timestamp; sorted entries; no owner names;
# gzip -n; path-independent builds (c_release_build in scripts/lib.sh): the
# archives of a commit are the same bytes even built elsewhere; on Windows
# the static library loses the copy of an import library that rustc names
# after a random temporary folder (scripts/drop-temp-implib.py).
# Usage: bash scripts/package-c.sh [TARGET...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-c-cross.sh >&2
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
umask 022
export LC_ALL=C TZ=UTC

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 315532800)}
dist=${MOMO_DIST_DIR:-target/dist}
stage_root=$dist/.stage
mkdir -p "$dist"
rm -rf "$stage_root" "$dist"/momo-pos-*.zip "$dist"/momo-pos-*.tar.gz "$dist/SHA256SUMS"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${C_RELEASE_TARGETS[@]}")

# zip with fixed times, modes and order (python3's zipfile).
make_zip() { # $1 folder's parent, $2 folder name, $3 zip file
  python3 - "$1" "$2" "$3" "$epoch" <<'PY'
import os, sys, time, zipfile
root, top, out, epoch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip times start in 1980
paths = []
for d, dirs, files in os.walk(os.path.join(root, top)):
    for name in dirs + files:
        paths.append(os.path.join(d, name))
with zipfile.ZipFile(out, "w") as z:
    for path in sorted(paths, key=lambda p: os.path.relpath(p, root)):
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        isdir = os.path.isdir(path)
        info = zipfile.ZipInfo(rel + ("/" if isdir else ""), date_time=stamp)
        info.create_system = 3  # unix, for the modes below
        mode = 0o755 if isdir or os.access(path, os.X_OK) else 0o644
        info.external_attr = ((0o040000 if isdir else 0o100000) | mode) << 16 | (0x10 if isdir else 0)
        if isdir:
            z.writestr(info, b"")
        else:
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read(), compresslevel=9)
PY
}

for target in "${targets[@]}"; do
  c_release_build "$target"
  native=$C_NATIVE
  name=momo-pos-$version-$target
  top=$stage_root/$name
  install -d "$top/include" "$top/lib/cmake/momo_pos"
  install -m 644 include/momo_pos.h bindings/cpp/momo_pos.hpp "$top/include/"
  install -m 644 LICENSE-MIT LICENSE-APACHE "$top/"
  install -m 644 "$C_STATICLIB" "$top/lib/libmomo_pos.a"
  case $target in
    *-windows-gnu) python3 scripts/drop-temp-implib.py "$top/lib/libmomo_pos.a" "$target" ;;
  esac
  echo "$native" >"$top/lib/momo_pos.native-static-libs"
  # shellcheck disable=SC2016 # pkg-config expands it: the .pc files are relocatable
  prefix='${pcfiledir}/../..'
  c_subst packaging/momo_pos-config.cmake.in "$top/lib/cmake/momo_pos/momo_pos-config.cmake"
  c_subst packaging/momo_pos-config-version.cmake.in \
    "$top/lib/cmake/momo_pos/momo_pos-config-version.cmake"
  c_subst packaging/README-c.md.in "$top/README.md"
  case $target in
    *-windows-gnu)
      pfx=${target%%-*}-w64-mingw32
      [ "$pfx" = i686-w64-mingw32 ] || pfx=x86_64-w64-mingw32
      install -d "$top/bin"
      install -m 755 "$C_CDYLIB" "$top/bin/momo_pos.dll"
      install -m 644 "$C_IMPLIB" "$top/lib/libmomo_pos.dll.a"
      { echo "LIBRARY momo_pos.dll"; echo "EXPORTS"
        grep -oE '\bmomo_[a-z0-9_]+\(' include/momo_pos.h | tr -d '(' | sort -u | sed 's/^/    /'
      } >"$top/lib/momo_pos.def"
      (cd "$top/lib" && "$pfx-dlltool" --deterministic-libraries -d momo_pos.def -D momo_pos.dll \
        -l momo_pos.lib)
      chmod 644 "$top/lib/momo_pos.lib"
      ;;
    *)
      install -d "$top/lib/pkgconfig"
      install -m 755 "$C_CDYLIB" "$top/lib/libmomo_pos.so"
      c_subst packaging/momo_pos.pc.in "$top/lib/pkgconfig/momo_pos.pc"
      c_subst packaging/momo_pos-static.pc.in "$top/lib/pkgconfig/momo_pos-static.pc"
      ;;
  esac
  find "$top" -type d -exec chmod 755 {} +
  find "$top" -exec touch -h -d "@$epoch" {} +
  case $target in
    *-windows-gnu) make_zip "$stage_root" "$name" "$dist/$name.zip" ;;
    *) tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
         -C "$stage_root" -cf - "$name" | gzip -n -9 >"$dist/$name.tar.gz" ;;
  esac
done
rm -rf "$stage_root"
(cd "$dist" && shopt -s nullglob && sha256sum -- momo-pos-*.tar.gz momo-pos-*.zip | sort -k 2 >SHA256SUMS)
(cd "$dist" && ls -l --time-style=+ -- momo-pos-* SHA256SUMS | awk '{print $5, $NF}')
