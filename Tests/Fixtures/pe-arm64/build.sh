#!/usr/bin/env bash
# Rebuilds arm64_unwind.dll from arm64_unwind.c with the toolchain's clang-cl and lld-link:
# ARM64 Windows, -O2, no stack probes (the large frame is one allocation), no C runtime, once
# with frame pointers omitted and once kept; a CodeView record names arm64_unwind.pdb, which
# is not kept.
# The committed file came from this script with Swift 6.3.1's clang-cl/lld-link on 2026-12-06;
# arm64_unwind.readobj.txt is `llvm-readobj-14 --unwind` of it (Debian's llvm-14), the
# independent reading of its unwind data that the expected STACK CFI was checked against.
set -euo pipefail
cd "$(dirname "$0")"
clang-cl --target=aarch64-pc-windows-msvc /c /O2 /GS- /Gs1000000 arm64_unwind.c /Foarm64_unwind.obj
clang-cl --target=aarch64-pc-windows-msvc /c /O2 /Oy- /GS- /Gs1000000 -DWITH_FRAME_POINTERS arm64_unwind.c /Foarm64_unwind_fp.obj
lld-link /dll /noentry /nodefaultlib /machine:arm64 /debug /pdb:arm64_unwind.pdb arm64_unwind.obj arm64_unwind_fp.obj /out:arm64_unwind.dll
rm -f arm64_unwind.obj arm64_unwind_fp.obj arm64_unwind.lib arm64_unwind.pdb
if command -v llvm-readobj-14 >/dev/null 2>&1; then
  llvm-readobj-14 --unwind arm64_unwind.dll >arm64_unwind.readobj.txt
fi
