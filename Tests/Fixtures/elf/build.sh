#!/usr/bin/env bash
# Rebuilds the ELF fixtures from src/ and the reference answers of llvm-symbolizer.
# Needs gcc, objcopy (binutils), eu-addr2line (elfutils) and llvm-symbolizer (the Swift toolchain's).
#   inline_demo              gcc -g -O2, PIE, with DWARF and .symtab (and .debug_aranges)
#   inline_demo_clang        clang -g -O2, PIE, DWARF 5 and no .debug_aranges
#   arm64_frames.so          clang --target=aarch64-linux-gnu -g -O1, a shared object without libc
#                            (its .eh_frame and the code ARM64WalkTests lays a stack out for)
#   arm_frames.so            clang --target=armv7a-linux-gnueabihf -mthumb -g -O1, the same for
#                            32-bit ARM (its .debug_frame; ARMELFWalkTests)
#   arm_frames_exidx.so      the same without -g: its unwind data only the EHABI .ARM.exidx
#   swift_names              swiftc -g -Onone: a Swift program's mangled symbols (SwiftNamesTests)
#   inline_demo.stripped     the same, stripped, with a .gnu_debuglink and its build id
#   inline_demo.debug        the separate debug file (tests lay it out as .build-id/xx/rest.debug)
#   NAME.addresses           every address of .text (one per line, hex)
#   NAME.llvm-symbolizer.txt `llvm-symbolizer --inlining` on each of them
#   inline_demo.eu-addr2line.txt   `eu-addr2line -f -i --pretty-print` on each of them
# Paths in the DWARF are mapped to /elf-fixture so the files do not depend on the checkout.
set -euo pipefail
cd "$(dirname "$0")"
SYMBOLIZER=${LLVM_SYMBOLIZER:-/opt/swift/usr/bin/llvm-symbolizer}
CLANG=${CLANG:-/opt/swift/usr/bin/clang}
flags=(-g -O2 -fno-omit-frame-pointer "-fdebug-prefix-map=$PWD=/elf-fixture" -Wl,--build-id=sha1)
gcc "${flags[@]}" -o inline_demo src/main.c src/checksum.c
"$CLANG" "${flags[@]}" -fuse-ld=gold -o inline_demo_clang src/main.c src/checksum.c
"$CLANG" --target=aarch64-linux-gnu -g -O1 -fno-omit-frame-pointer -fasynchronous-unwind-tables -fPIC -shared \
  -nostdlib -fvisibility=hidden -fuse-ld=lld "-fdebug-prefix-map=$PWD=/elf-fixture" -Wl,--build-id=sha1 \
  -o arm64_frames.so src/arm64_frames.c
"$CLANG" --target=armv7a-linux-gnueabihf -mthumb -g -O1 -fasynchronous-unwind-tables -fPIC -shared \
  -nostdlib -fvisibility=hidden -fuse-ld=lld "-fdebug-prefix-map=$PWD=/elf-fixture" -Wl,--build-id=sha1 \
  -o arm_frames.so src/arm_frames.c
"$CLANG" --target=armv7a-linux-gnueabihf -mthumb -O1 -funwind-tables -fPIC -shared \
  -nostdlib -fvisibility=hidden -fuse-ld=lld -Wl,--build-id=sha1 -o arm_frames_exidx.so src/arm_frames.c
/opt/swift/usr/bin/swiftc -g -Onone -Xlinker --build-id=sha1 -debug-prefix-map "$PWD=/elf-fixture" \
  -module-name ledger -o swift_names src/ledger.swift
build_id=$(readelf -n inline_demo | awk '/Build ID/ {print $3}')
# The debuglink records the debug file's name as its build-id path does (`rest.debug`).
objcopy --only-keep-debug inline_demo "${build_id:2}.debug"
objcopy --strip-all --add-gnu-debuglink="${build_id:2}.debug" inline_demo inline_demo.stripped
mv "${build_id:2}.debug" inline_demo.debug
# Every byte of .text: start and size from the section header.
for binary in inline_demo inline_demo_clang; do
  read -r text_start text_size < <(readelf -SW "$binary" | awk '$2 == ".text" {print $4, $6}')
  python3 - "$text_start" "$text_size" > "$binary.addresses" <<'PY'
import sys
start, size = int(sys.argv[1], 16), int(sys.argv[2], 16)
for address in range(start, start + size):
    print(hex(address))
PY
  "$SYMBOLIZER" --obj="$binary" --inlining --output-style=LLVM --functions=linkage --demangle \
    < "$binary.addresses" > "$binary.llvm-symbolizer.txt"
  echo "$binary: $(wc -l < "$binary.addresses") addresses"
done
# eu-addr2line (Debian elfutils) on the gcc binary; on the clang one it finds no unit
# (elfutils 0.188 needs .debug_aranges) and prints ?? everywhere.
for binary in inline_demo; do
  eu-addr2line -f -i --pretty-print -e "$binary" < "$binary.addresses" > "$binary.eu-addr2line.txt"
done
echo "build id of inline_demo: $build_id"

# aliases.so: one function under two names (src/aliases.c), for the symbol table's aliases.
"${CLANG:-/opt/swift/usr/bin/clang}" -O1 -shared -fPIC -nostdlib -fuse-ld=lld -Wl,--build-id=sha1 -o aliases.so src/aliases.c
