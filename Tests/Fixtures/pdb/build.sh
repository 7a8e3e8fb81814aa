#!/usr/bin/env bash
# Rebuilds tiny.dll and tiny.pdb from tiny.c with the toolchain's clang-cl and lld-link
# (x86, -O1 so helper() is inlined into area()). The committed files came from this
# script with Swift 6.3.1's clang-cl/lld-link on 2026-12-04.
set -euo pipefail
cd "$(dirname "$0")"
clang-cl --target=i686-pc-windows-msvc /c /Z7 /O1 /GS- tiny.c /Fotiny.obj
lld-link /dll /noentry /nodefaultlib /debug /machine:x86 tiny.obj /out:tiny.dll /pdb:tiny.pdb
rm -f tiny.obj tiny.lib
