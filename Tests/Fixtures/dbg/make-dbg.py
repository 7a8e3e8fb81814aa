#!/usr/bin/env python3
"""Composes NT 4 separate debug files (.dbg) for tests, from the published layouts.

    make-dbg.py OUTDIR      writes tiny-nb09.dbg, tiny-nb11.dbg, tiny-coff.dbg

There is no public .dbg sample at hand, so these are written from the layouts:
  - winnt.h: IMAGE_SEPARATE_DEBUG_HEADER, IMAGE_SECTION_HEADER, IMAGE_DEBUG_DIRECTORY,
    IMAGE_DEBUG_MISC, IMAGE_COFF_SYMBOLS_HEADER, FPO_DATA (Windows SDK; also ReactOS's
    and Wine's copies of winnt.h)
  - the PE/COFF specification ("COFF Symbol Table", auxiliary function records, the
    string table)
  - "Microsoft Symbol and Type Information", Tool Interface Standards 1.0 (1993):
    NB09 subsection directory, sstModule, sstAlignSym, sstSrcModule, sstGlobalPub,
    sstSegMap, S_GPROC32_16t / S_LPROC32_16t / S_PUB32_16t / S_END records
  - cvinfo.h (github.com/microsoft/microsoft-pdb): the VC 5 `_ST` kinds of NB11
    (S_GPROC32_ST 0x100B, S_LPROC32_ST 0x100A, S_PUB32_ST 0x1009)
The image they describe: tiny.exe, x86, time stamp 0x35A6C6D0, 0x9000 bytes, sections
.text (0x1000), .rdata (0x4000), .data (0x5000); five functions, two source files.
Written for this project; the expected .sym beside each file was reviewed by hand.
"""
import struct
import sys

TIMESTAMP = 0x35A6C6D0
IMAGE_SIZE = 0x9000
SECTIONS = [  # name, virtual size, virtual address, characteristics
    (b".text", 0x3000, 0x1000, 0x60000020),
    (b".rdata", 0x800, 0x4000, 0x40000040),
    (b".data", 0x400, 0x5000, 0xC0000040),
]
# (name, kind, offset in .text, size, params bytes); kind "g" global, "l" static.
FUNCTIONS = [
    ("main", "g", 0x0000, 0x60),
    ("ParseRecord", "g", 0x0060, 0x48),
    ("helper", "l", 0x00B0, 0x20),
    ("?Dispatch@Queue@@QAEXH@Z", "g", 0x0100, 0x34),
    ("WorkerThread", "g", 0x0140, 0x80),
]
# Publics (decorated, as the linker wrote them): name, offset in .text.
PUBLICS = [
    ("_main", 0x0000),
    ("_ParseRecord@8", 0x0060),
    ("?Dispatch@Queue@@QAEXH@Z", 0x0100),
    ("_WorkerThread@4", 0x0140),
    ("_StartQueue@0", 0x01D0),  # no procedure record: a PUBLIC
]
# Lines: file -> [(offset in .text, line)].
LINES = {
    "C:\\src\\tiny\\main.c": [(0x0000, 10), (0x0008, 11), (0x0020, 14), (0x0058, 15),
                              (0x00B0, 40), (0x00C4, 41), (0x0140, 60), (0x0150, 61), (0x01A0, 63)],
    "C:\\src\\tiny\\parse.c": [(0x0060, 5), (0x0070, 7), (0x0090, 9), (0x0100, 30), (0x0110, 31)],
}
# FPO_DATA: offset, size, locals (dwords), params (dwords), prolog, saved regs, uses EBP.
FPO = [
    (0x0000, 0x60, 4, 2, 3, 0, 1),
    (0x0060, 0x48, 2, 2, 3, 1, 0),
    (0x0140, 0x80, 8, 1, 6, 3, 1),
]


def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def pascal(name): return u8(len(name)) + name.encode()


def record(kind, payload):
    body = u16(kind) + payload
    while (len(body) + 2) % 4:
        body += b"\0"
    return u16(len(body)) + body


def procedure(kind_name, offset, size, name, wide):
    global_kind, local_kind = (0x100B, 0x100A) if wide else (0x0205, 0x0204)
    kind = global_kind if kind_name == "g" else local_kind
    head = u32(0) + u32(0) + u32(0) + u32(size) + u32(3) + u32(size - 1)
    if wide:
        return record(kind, head + u32(0x1001) + u32(offset) + u16(1) + u8(0) + pascal(name))
    return record(kind, head + u32(offset) + u16(1) + u16(0x75) + u8(0) + pascal(name))


def align_sym(wide):
    out = u32(1)  # CV_SIGNATURE_C7
    for name, kind, offset, size in FUNCTIONS:
        out += procedure(kind, offset, size, name, wide)
        out += record(0x0006, b"")  # S_END
    return out


def global_pub(wide):
    symbols = b""
    for name, offset in PUBLICS:
        if wide:
            symbols += record(0x1009, u32(0) + u32(offset) + u16(1) + pascal(name))
        else:
            symbols += record(0x0203, u32(offset) + u16(1) + u16(0) + pascal(name))
    return u16(0) + u16(0) + u32(len(symbols)) + u32(0) + u32(0) + symbols


def src_module():
    files = list(LINES.items())
    header_size = 4 + 4 * len(files) + 8 + 2 + 2  # one segment, padded to 4
    bodies = []
    offset = header_size
    for name, lines in files:
        file_head = 4 + 4 + 8 + 1 + len(name)
        file_head += (-file_head) % 4
        block = u16(1) + u16(len(lines)) + b"".join(u32(o) for o, _ in lines) + b"".join(u16(l) for _, l in lines)
        block += b"\0" * ((-len(block)) % 4)
        start, end = min(o for o, _ in lines), max(o for o, _ in lines)
        head = u16(1) + u16(0) + u32(offset + file_head) + u32(start) + u32(end) + pascal(name)
        head += b"\0" * (file_head - len(head))
        bodies.append((offset, head + block))
        offset += len(head) + len(block)
    out = u16(len(files)) + u16(1) + b"".join(u32(o) for o, _ in bodies) + u32(0) + u32(0x200) + u16(1) + u16(0)
    assert len(out) == header_size
    return out + b"".join(b for _, b in bodies)


def seg_map():
    # Logical segment 1 = .text (frame 1), 2 = .data (frame 3).
    out = u16(2) + u16(2)
    for frame in (1, 3):
        out += u16(0x0D) + u16(0) + u16(0) + u16(frame) + u16(0xFFFF) + u16(0xFFFF) + u32(0) + u32(0x3000)
    return out


def sst_module():
    name = "C:\\src\\tiny\\main.obj"
    return u16(0) + u16(0) + u16(1) + b"CV" + u16(1) + u16(0) + u32(0) + u32(0x200) + pascal(name)


def codeview(signature, wide):
    subsections = [(0x120, 1, sst_module()), (0x125, 1, align_sym(wide)), (0x127, 1, src_module()),
                   (0x12A, 0xFFFF, global_pub(wide)), (0x12D, 0xFFFF, seg_map())]
    body = b""
    placed = []
    for kind, module, data in subsections:
        placed.append((kind, module, 8 + len(body), len(data)))
        body += data + b"\0" * ((-len(data)) % 4)
    directory = 8 + len(body)
    out = signature + u32(directory) + body
    out += u16(16) + u16(12) + u32(len(placed)) + u32(0) + u32(0)
    for kind, module, offset, size in placed:
        out += u16(kind) + u16(module) + u32(offset) + u32(size)
    return out


def coff_symbols():
    strings = b""
    symbols = b""
    count = 0

    def name_field(name):
        nonlocal strings
        raw = name.encode()
        if len(raw) <= 8:
            return raw + b"\0" * (8 - len(raw))
        offset = 4 + len(strings)
        strings += raw + b"\0"
        return u32(0) + u32(offset)

    # A file record (class 103) with one auxiliary record naming the source.
    symbols += b".file\0\0\0" + u32(0) + struct.pack("<h", -2) + u16(0) + u8(103) + u8(1)
    symbols += b"main.c".ljust(18, b"\0")
    count += 2
    for name, offset in PUBLICS:
        symbols += name_field(name) + u32(offset) + struct.pack("<h", 1) + u16(0x20) + u8(2) + u8(1)
        symbols += u32(0) + u32(0x40) + u32(0) + u32(0) + u16(0)  # function auxiliary record
        count += 2
    # A static data symbol in .data: not a function.
    symbols += name_field("_gQueueDepth") + u32(0x10) + struct.pack("<h", 3) + u16(0) + u8(3) + u8(0)
    count += 1
    header = u32(count) + u32(32) + u32(0) + u32(0) + u32(0x1000) + u32(0x3FFF) + u32(0x5000) + u32(0x53FF)
    return header + symbols + u32(4 + len(strings)) + strings


def fpo():
    # Attributes: prolog bytes 0-7, saved registers from bit 8, "uses EBP" at bit 10: the
    # reading LLVM and Mozilla's dump_syms apply to FPO_DATA (see FrameRecords.swift for
    # why this project follows it rather than winnt.h's bit 12).
    out = b""
    for offset, size, locals_, params, prolog, regs, ebp in FPO:
        attributes = prolog | (regs << 8) | (ebp << 10)
        out += u32(0x1000 + offset) + u32(size) + u32(locals_) + u16(params) + u16(attributes)
    return out


def misc():
    name = b"tiny.exe\0"
    data = name + b"\0" * ((-len(name)) % 4)
    return u32(1) + u32(12 + len(data)) + u8(0) + b"\0\0\0" + data


def dbg(debug_entries):
    exported = b"ParseRecord\0StartQueue\0WorkerThread\0"
    head_size = 48 + 40 * len(SECTIONS) + len(exported) + 28 * len(debug_entries)
    out = u16(0x4944) + u16(0) + u16(0x14C) + u16(0x010F) + u32(TIMESTAMP) + u32(0x0001C0DE)
    out += u32(0x400000) + u32(IMAGE_SIZE) + u32(len(SECTIONS)) + u32(len(exported)) + u32(28 * len(debug_entries))
    out += u32(0x1000) + u32(0) + u32(0)
    for name, vsize, address, flags in SECTIONS:
        out += name.ljust(8, b"\0") + u32(vsize) + u32(address) + u32(vsize) + u32(0) + u32(0) + u32(0)
        out += u16(0) + u16(0) + u32(flags)
    out += exported
    data = b""
    directory = b""
    for kind, payload in debug_entries:
        pointer = head_size + len(data)
        directory += u32(0) + u32(TIMESTAMP) + u16(0) + u16(0) + u32(kind) + u32(len(payload)) + u32(0) + u32(pointer)
        data += payload + b"\0" * ((-len(payload)) % 4)
    return out + directory + data


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "."
    files = {
        "tiny-nb09.dbg": [(4, misc()), (2, codeview(b"NB09", wide=False)), (3, fpo())],
        "tiny-nb11.dbg": [(4, misc()), (2, codeview(b"NB11", wide=True)), (3, fpo())],
        "tiny-coff.dbg": [(4, misc()), (1, coff_symbols()), (3, fpo())],
    }
    for name, entries in files.items():
        with open(f"{outdir}/{name}", "wb") as handle:
            handle.write(dbg(entries))


if __name__ == "__main__":
    main()
