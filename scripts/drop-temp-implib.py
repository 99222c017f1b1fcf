#!/usr/bin/env python3
"""Makes a Windows libmomo_pos.a the same bytes from every build.

When rustc compiles a crate with a raw-dylib import (getrandom's
ProcessPrng from bcryptprimitives.dll), it writes an import library into a
temporary folder with a random name under the target's deps/ and keeps it
in the rlib; the static library then carries that import library's members.
Their internal symbols (_head_..._lib, ..._lib_iname) spell the folder, so
no two builds agree.
The standard library carries its own, fixed import members for the same DLL
that define the same functions. This deletes the build-local copy, after
checking from the archive's symbol index that every symbol the copy defines
(other than its internal head and name symbols) is defined by another
member; otherwise it fails and changes nothing.

The archive is edited as bytes (GNU format: "/" symbol index, "//" long
names): binutils' ar cannot read most of rustc's members and would rebuild
the index from the few it can, leaving a library nothing links against.

Usage: drop-temp-implib.py LIB TARGET
  LIB     the static library of a release build, rewritten in place
  TARGET  its target triple, e.g. x86_64-pc-windows-gnu
"""
import os
import re
import struct
import sys

MAGIC = b"!<arch>\n"


def members(data):
    """[(offset, header, body)] of every member, the index first."""
    if not data.startswith(MAGIC):
        sys.exit("not a GNU ar archive")
    out, pos = [], len(MAGIC)
    while pos < len(data):
        header = data[pos : pos + 60]
        if len(header) < 60 or header[58:60] != b"`\n":
            sys.exit(f"bad member header at {pos}")
        size = int(header[48:58])
        out.append((pos, header, data[pos + 60 : pos + 60 + size]))
        pos += 60 + size + (size & 1)
    return out


def read_index(body):
    count = struct.unpack(">I", body[:4])[0]
    offsets = struct.unpack(f">{count}I", body[4 : 4 + 4 * count])
    names = body[4 + 4 * count :].split(b"\0")[:count]
    return list(zip(names, offsets))


def main():
    lib, target = sys.argv[1:3]
    # How rustc spells a temporary folder under cargo's
    # TARGET_DIR/TARGET/release/deps/ inside symbol names (the standard
    # library's own were made under .../TARGET/dist/deps/ and stay).
    spelled = (re.sub(r"[^A-Za-z0-9]", "_", target) + "_release_deps_rustc").encode()
    data = open(lib, "rb").read()
    parts = members(data)
    if parts[0][1][:16].strip() != b"/":
        sys.exit(f"{lib}: no symbol index")
    index = read_index(parts[0][2])
    drop = {off for off, header, body in parts[1:] if spelled in body and header[:2] != b"//"}
    if not drop:
        return
    kept = {name for name, off in index if off not in drop}
    for name, off in index:
        if off in drop and spelled not in name and name not in kept:
            sys.exit(f"{lib}: only the build-local import library defines {name.decode()}")

    new_index = [(name, off) for name, off in index if off not in drop]
    names = b"".join(name + b"\0" for name, _ in new_index)
    size = 4 + 4 * len(new_index) + len(names)
    # The kept members, each where it starts once the index has shrunk.
    moved, rest, pos = {}, [], len(MAGIC) + 60 + size + (size & 1)
    for off, header, member in parts[1:]:
        if off not in drop:
            moved[off] = pos
            rest += [header, member, b"\n" if len(member) & 1 else b""]
            pos += 60 + len(member) + (len(member) & 1)
    body = struct.pack(f">{len(new_index) + 1}I", len(new_index), *(moved[o] for _, o in new_index)) + names
    header = parts[0][1][:48] + str(size).encode().ljust(10) + b"`\n"
    out = [MAGIC, header, body, b"\n" if size & 1 else b""] + rest
    result = b"".join(out)
    if spelled in result:
        sys.exit(f"{lib}: still names a temporary folder of the build")
    with open(lib + ".tmp", "wb") as f:
        f.write(result)
    os.replace(lib + ".tmp", lib)


if __name__ == "__main__":
    main()
