#!/usr/bin/env bash
# Rebuilds lld_demo.map: an x86 Windows image linked by lld-link with /MAP, whose map
# has the MSVC layout (Publics by Value, Rva+Base, Lib:Object, Static symbols).
# Needs the Swift toolchain's clang and lld-link. /Brepro makes the timestamp reproducible.
set -euo pipefail
cd "$(dirname "$0")"
BIN=${TOOLCHAIN_BIN:-/opt/swift/usr/bin}
work=$(mktemp -d)
"$BIN/clang" --target=i686-pc-windows-msvc -O1 -c src/queue_c.c -o "$work/queue_c.obj"
"$BIN/clang" --target=i686-pc-windows-msvc -O1 -c src/queue.cpp -o "$work/queue.obj"
(cd "$work" && "$BIN/lld-link" /Brepro /nodefaultlib /entry:entry /subsystem:console /base:0x00400000 \
  /map:lld_demo.map /out:lld_demo.exe queue_c.obj queue.obj)
cp "$work/lld_demo.map" lld_demo.map
rm -rf "$work"
