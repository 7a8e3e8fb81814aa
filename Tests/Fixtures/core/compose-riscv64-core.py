# Composes the RISC-V 64 core of ledger_crash-riscv64 (Tests/Fixtures/core/build.sh runs it inside
# gdb-multiarch: `gdb-multiarch -batch -x compose-riscv64-core.py`).
#
# qemu-riscv64 7.2 writes no core of its guest, and no riscv64 machine is at hand, so the core is
# written here, in the layout the Linux kernel writes (fs/binfmt_elf.c, elf_core_dump) from the
# program's state at its fault, read live through qemu's gdb stub:
#   PT_NOTE  NT_PRSTATUS (376 bytes: pr_reg at 112 is riscv64's user_regs_struct, pc then x1-x31),
#            NT_PRPSINFO (136), NT_SIGINFO (128: signo, errno, code, the fault address at 16),
#            NT_AUXV (the vector gdb reads through the stub), NT_FILE (the program's mappings);
#   PT_LOAD  one per mapping, page-aligned: the program's first page kept (its ELF header and
#            build-id note, as coredump_filter's bit 4 keeps it) and its other pages left out
#            (file-backed, p_filesz 0), the stack whole.
# The fault address comes from the faulting store's base register and offset. The environment
# gives PORT (qemu's -g port), PROGRAM (the ELF file), CORE (the output path) and LIVE_BT (where
# gdb's `bt` of the live program goes).
import os
import re
import struct

import gdb

PAGE = 4096
port = os.environ["PORT"]
program = os.environ["PROGRAM"]
core_path = os.environ["CORE"]

gdb.execute("set pagination off")
gdb.execute(f"target remote :{port}")
gdb.execute("continue")

ABI = ["pc", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
       "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"]
frame = gdb.newest_frame()
registers = [int(frame.read_register("fp" if name == "s0" else name)) & (2**64 - 1) for name in ABI]
inferior = gdb.selected_inferior()


def readable(address):
    try:
        inferior.read_memory(address, 8)
        return True
    except gdb.MemoryError:
        return False


# gdb's own walk of the live program, to compare with its walk of the core.
with open(os.environ["LIVE_BT"], "w") as handle:
    handle.write(gdb.execute("bt", to_string=True))

# The stack's mapping: the pages around sp that the stub can read.
sp = registers[2]
stack_low = sp & ~(PAGE - 1)
while stack_low - PAGE > 0 and readable(stack_low - PAGE) and sp - stack_low < 1 << 20:
    stack_low -= PAGE
stack_high = (sp | (PAGE - 1)) + 1
while readable(stack_high) and stack_high - sp < 1 << 20:
    stack_high += PAGE
stack = bytes(inferior.read_memory(stack_low, stack_high - stack_low))

# The faulting store: `sd rs2, offset(rs1)` → rs1 + offset.
instruction = gdb.execute("x/i $pc", to_string=True)
match = re.search(r"\bs[bhwd]\s+\w+,(-?\d+)\((\w+)\)", instruction)
base = "s0" if match.group(2) == "fp" else match.group(2)
fault_address = (registers[ABI.index(base)] + int(match.group(1))) & (2**64 - 1)

# The auxiliary vector, as the stub gives it.
auxv = []
for line in gdb.execute("info auxv", to_string=True).splitlines():
    fields = line.split()
    if not fields or not fields[0].isdigit():
        continue
    values = [token for token in fields[2:] if re.fullmatch(r"0x[0-9a-f]+|\d+", token)]
    auxv.append((int(fields[0]), int(values[-1], 0) if values else 0))
if not auxv or auxv[-1][0] != 0:
    auxv.append((0, 0))

# The program's mappings, from its PT_LOAD headers, as the kernel maps them.
with open(program, "rb") as handle:
    image = handle.read()
phoff, = struct.unpack_from("<Q", image, 32)
phentsize, phnum = struct.unpack_from("<HH", image, 54)
mappings = []
for index in range(phnum):
    p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from("<IIQQQQQQ", image, phoff + index * phentsize)
    if p_type != 1:
        continue
    start = p_vaddr & ~(PAGE - 1)
    end = (p_vaddr + p_memsz + PAGE - 1) & ~(PAGE - 1)
    mappings.append((start, end, p_offset & ~(PAGE - 1), p_flags))
path = os.path.abspath(program).encode()
pid = os.getpid()


def note(name, kind, descriptor):
    name = name + b"\0"
    padded = lambda data: data + b"\0" * (-len(data) % 4)
    return struct.pack("<III", len(name), len(descriptor), kind) + padded(name) + padded(descriptor)


prstatus = struct.pack("<iiihxx", 11, 0, 0, 11) + struct.pack("<QQ", 0, 0) + struct.pack("<iiii", pid, pid, pid, pid)
prstatus += b"\0" * (112 - len(prstatus)) + struct.pack("<32Q", *registers) + struct.pack("<ixxxx", 1)
assert len(prstatus) == 376
fname = os.path.basename(program).encode()[:15]
prpsinfo = struct.pack("<bcbbxxxxQIIiiii", 0, b"R", 0, 0, 0x400600, 0, 0, pid, pid, pid, pid)
prpsinfo += fname.ljust(16, b"\0") + os.path.basename(program).encode().ljust(80, b"\0")[:80]
assert len(prpsinfo) == 136
siginfo = struct.pack("<iiixxxxQ", 11, 0, 1, fault_address).ljust(128, b"\0")
auxv_bytes = b"".join(struct.pack("<QQ", kind, value) for kind, value in auxv)
files = struct.pack("<QQ", len(mappings), PAGE)
files += b"".join(struct.pack("<QQQ", start, end, offset // PAGE) for start, end, offset, _ in mappings)
files += b"".join(path + b"\0" for _ in mappings)
notes = (note(b"CORE", 1, prstatus) + note(b"CORE", 3, prpsinfo) + note(b"CORE", 0x53494749, siginfo)
         + note(b"CORE", 6, auxv_bytes) + note(b"CORE", 0x46494C45, files))

# Segments: the program's mappings (the first page of the one at file offset 0 kept), the stack.
segments = []
for start, end, offset, flags in mappings:
    data = image[:PAGE].ljust(PAGE, b"\0") if offset == 0 and start == mappings[0][0] else b""
    segments.append((start, end - start, flags, data))
segments.append((stack_low, len(stack), 6, stack))
header_size = 64 + 56 * (1 + len(segments))
notes_offset = header_size
data_offset = (notes_offset + len(notes) + PAGE - 1) & ~(PAGE - 1)
program_headers = struct.pack("<IIQQQQQQ", 4, 0, notes_offset, 0, 0, len(notes), 0, 0)
layout = []
for start, size, flags, data in segments:
    program_headers += struct.pack("<IIQQQQQQ", 1, flags, data_offset, start, 0, len(data), size, PAGE)
    layout.append((data_offset, data))
    data_offset += len(data)
elf_header = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
elf_header += struct.pack("<HHIQQQIHHHHHH", 4, 243, 1, 0, 64, 0, 0, 64, 56, 1 + len(segments), 64, 0, 0)
output = bytearray(elf_header + program_headers + notes)
for offset, data in layout:
    output += b"\0" * (offset - len(output)) + data
with open(core_path, "wb") as handle:
    handle.write(output)
gdb.execute("kill")
