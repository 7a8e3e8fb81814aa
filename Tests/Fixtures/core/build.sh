#!/usr/bin/env bash
# Rebuilds the core fixtures: ledger_crash.c for x86-64 (gcc), AArch64, x86, 32-bit ARM and RISC-V 64
# (the toolchain's clang and lld), each run until it faults, and the core written:
#   ledger_crash-x86_64, ledger_crash-x86_64.core   the kernel's core (core_pattern `core`,
#                                                    ulimit -c unlimited), coredump_filter 0x33
#   ledger_crash-arm64, ledger_crash-arm64.core     qemu-aarch64's core of its guest (qemu-user
#                                                    writes the same ELF core layout)
#   ledger_crash-x86, ledger_crash-x86.core         the kernel's core of a 32-bit process (ELF32,
#                                                    the compat layouts of a 64-bit kernel)
#   ledger_crash-arm, ledger_crash-arm.core         qemu-arm's core of its guest (ELF32, ARM mode)
#   ledger_crash-riscv64, ledger_crash-riscv64.core the RISC-V 64 build and its core, composed in
#                                                    the kernel's layout from the program's state at
#                                                    its fault under qemu-riscv64's gdb stub (qemu
#                                                    7.2 writes no RISC-V core): compose-riscv64-core.py;
#                                                    gdb's walk of the core must equal its live walk
#   ledger_crash-nobuildid                          the x86-64 program linked without a build id
#   ledger_tail, ledger_tail.core                   ledger_tail.c (tail calls) by gcc -O2 for x86-64,
#                                                    and the kernel's core; ledger_tail-dwarf4 the
#                                                    same code with DWARF 4's GNU call sites
#   ledger_dynamic-arm64, ledger_dynamic-arm64.core ledger_dynamic.c dynamically linked by Debian's
#                                                    aarch64-linux-gnu-gcc 12 (-no-pie) against the
#                                                    arm64 C library (libc6-arm64-cross 2.36), and
#                                                    qemu-aarch64's core: no NT_FILE, its libraries
#                                                    found through the dynamic linker's list
#   *.gdb-bt.txt                                    gdb's `bt` on each, the frames expected
# Paths in the DWARF are mapped to /core-fixture.
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-/opt/swift/usr/bin/clang}
flags=(-O1 -g -fno-omit-frame-pointer -static -nostdlib -fdebug-prefix-map="$PWD=/core-fixture" -Wl,--build-id=sha1)
gcc "${flags[@]}" -fno-pie -no-pie -o ledger_crash-x86_64 ledger_crash.c
gcc "${flags[@]}" -O2 -fno-pie -no-pie -o ledger_tail ledger_tail.c
gcc "${flags[@]}" -O2 -gdwarf-4 -fno-pie -no-pie -o ledger_tail-dwarf4 ledger_tail.c
# The same program linked without a build id (as upstream clang and rustc link): found by name.
gcc "${flags[@]/-Wl,--build-id=sha1/-Wl,--build-id=none}" -fno-pie -no-pie -o ledger_crash-nobuildid ledger_crash.c
"$CLANG" --target=aarch64-linux-gnu -fuse-ld=lld "${flags[@]}" -fno-pie -no-pie -o ledger_crash-arm64 ledger_crash.c
"$CLANG" --target=i386-linux-gnu -fuse-ld=lld "${flags[@]}" -fno-pie -o ledger_crash-x86 ledger_crash.c
"$CLANG" --target=armv7a-linux-gnueabihf -fuse-ld=lld "${flags[@]}" -fno-pie -o ledger_crash-arm ledger_crash.c
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$CLANG" --target=riscv64-linux-gnu -fuse-ld=lld "${flags[@]}" -fno-pie -o ledger_crash-riscv64 ledger_crash.c
cp ledger_crash-x86_64 ledger_crash-arm64 ledger_crash-x86 ledger_crash-arm ledger_crash-riscv64 ledger_tail "$work/"
(cd "$work" && ulimit -c unlimited && { ./ledger_crash-x86_64 || true; } && mv core ledger_crash-x86_64.core)
(cd "$work" && ulimit -c unlimited && { ./ledger_tail || true; } && mv core ledger_tail.core)
(cd "$work" && ulimit -c unlimited && { qemu-aarch64 -s 65536 ./ledger_crash-arm64 || true; } && mv qemu_ledger_crash-arm64_*.core ledger_crash-arm64.core)
(cd "$work" && ulimit -c unlimited && { ./ledger_crash-x86 || true; } && mv core ledger_crash-x86.core)
# qemu re-raises the signal after writing its guest's core: its own core is not kept.
(cd "$work" && ulimit -c unlimited && { qemu-arm -s 65536 ./ledger_crash-arm || true; } && mv qemu_ledger_crash-arm_*.core ledger_crash-arm.core && rm -f core)
(cd "$work" && { qemu-riscv64 -s 65536 -g 12345 ./ledger_crash-riscv64 & } && sleep 1 &&
  PORT=12345 PROGRAM=ledger_crash-riscv64 CORE=ledger_crash-riscv64.core LIVE_BT=live-bt.txt \
    gdb-multiarch -batch -x "$OLDPWD/compose-riscv64-core.py" ledger_crash-riscv64 > /dev/null 2>&1 && wait)
aarch64-linux-gnu-gcc -O1 -g -fno-omit-frame-pointer -no-pie -fdebug-prefix-map="$PWD=/core-fixture" -Wl,--build-id=sha1 \
  -o ledger_dynamic-arm64 ledger_dynamic.c
cp ledger_dynamic-arm64 "$work/"
(cd "$work" && ulimit -c unlimited && { qemu-aarch64 -s 65536 -L /usr/aarch64-linux-gnu ./ledger_dynamic-arm64 || true; } &&
  mv qemu_ledger_dynamic-arm64_*.core ledger_dynamic-arm64.core && rm -f core)
cp "$work"/*.core . && chmod 644 ./*.core
gdb -batch -ex bt ledger_crash-x86_64 ledger_crash-x86_64.core 2>/dev/null | grep '^#' | awk '!seen[$0]++' > ledger_crash-x86_64.gdb-bt.txt
gdb-multiarch -batch -ex bt ledger_crash-arm64 ledger_crash-arm64.core 2>/dev/null | grep '^#' | awk '!seen[$0]++' > ledger_crash-arm64.gdb-bt.txt
gdb -batch -ex bt ledger_tail ledger_tail.core 2>/dev/null | grep '^#' | awk '!seen[$0]++' > ledger_tail.gdb-bt.txt
gdb -batch -ex bt ledger_crash-x86 ledger_crash-x86.core 2>/dev/null | grep '^#' | awk '!seen[$0]++' > ledger_crash-x86.gdb-bt.txt
gdb-multiarch -batch -ex bt ledger_crash-arm ledger_crash-arm.core 2>/dev/null | grep '^#' | awk '!seen[$0]++' > ledger_crash-arm.gdb-bt.txt
gdb-multiarch -batch -ex bt ledger_crash-riscv64 ledger_crash-riscv64.core 2>/dev/null | grep '^#' | awk '!seen[$0]++' > ledger_crash-riscv64.gdb-bt.txt
gdb-multiarch -batch -ex "set sysroot /usr/aarch64-linux-gnu" -ex "set backtrace past-main on" -ex "file ledger_dynamic-arm64" \
  -ex "core-file ledger_dynamic-arm64.core" -ex bt 2>/dev/null | grep '^#' | awk '!seen[$0]++' |
  sed 's/ (.*) at / at /; s/ (.*) from / from /' > ledger_dynamic-arm64.gdb-bt.txt
diff <(grep '^#' "$work/live-bt.txt") ledger_crash-riscv64.gdb-bt.txt
ls -l ledger_crash-*
