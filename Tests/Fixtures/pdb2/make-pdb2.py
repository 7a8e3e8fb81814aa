#!/usr/bin/env python3
"""Composes PDB 2.00 files (VC 4-6 era) for tests, from the published layouts.

    make-pdb2.py OUTDIR      writes tiny-vc6.pdb, tiny-vc4.pdb, the pair
                             tiny-nt4.pdb + tiny-nt4.dbg, and tiny-omap.pdb

There is no public PDB 2.00 sample at hand, so these are written from the layouts:
  - microsoft-pdb (github.com/microsoft/microsoft-pdb): msf.cpp (MSF_HDR: the 44-byte
    "program database 2.00" magic, page size, free page map, page count, the stream table's
    size and its pages as 16-bit numbers; the stream table: stream count u16, pad, (size,
    reserved) per stream, then 16-bit page numbers), dbi.h (NewDBIHdr, MODI50 and
    MODI_60_Persist, SC40 and SC, the debug header's stream numbers), pdb.h (the PDB
    stream: version, signature, age; no GUID before VC 7.0)
  - cvinfo.h: S_GPROC32_16t / S_PUB32_16t (VC 4) and the `_ST` kinds (VC 5-6)
  - the CodeView 4 specification: C11 line tables (the sstSrcModule layout) after a
    module's symbols
The program they describe is make-dbg.py's tiny.exe (same functions, lines, publics, FPO),
so a PDB and a .dbg of one build must give the same records. tiny-vc6.pdb (VC 6: MODI_60,
`_ST` records) and tiny-vc4.pdb (VC 4.1: MODI50, 16-bit-type records) carry their own section
headers and FPO; tiny-nt4.pdb (VC 5) carries neither, as NT 4-era PDBs left them to the .dbg:
tiny-nt4.dbg holds the sections, FPO and the image name, and a CodeView NB10 entry naming
tiny-nt4.pdb by signature and age. tiny-omap.pdb is tiny-vc6.pdb for an image rearranged
after linking (as BBT laid out Windows system binaries): OMAP from and to the original
layout and the original section headers in the DBI debug header's slots 3, 4 and 10
(dbi.h; LLVM's DbiStream documentation), functions moved, one split in two, gaps removed.
Written for this project; the expected .sym beside each file was reviewed by hand.
"""
import importlib.util
import os
import struct
import sys

spec = importlib.util.spec_from_file_location(
    "make_dbg", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dbg", "make-dbg.py"))
tiny = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tiny)
u16, u32, u8 = tiny.u16, tiny.u32, tiny.u8

PAGE = 1024
SIGNATURE = 0x35A6C700
AGE = 3
NIL = 0xFFFF


def info_stream(version):
    return u32(version) + u32(SIGNATURE) + u32(AGE)


def module_entry(modern, stream, symbols, lines):
    name = b"C:\\src\\tiny\\main.obj\0"
    if modern:  # MODI_60_Persist: SC with two CRCs, C13 size, EC info
        contribution = u16(1) + u16(0) + u32(0) + u32(0x1E0) + u32(0x60000020) + u16(0) + u16(0) + u32(0) + u32(0)
        entry = u32(0) + contribution + u16(0) + u16(stream) + u32(symbols) + u32(lines) + u32(0)
        entry += u16(0) + u16(0) + u32(0) + u32(0) + u32(0)
        assert len(entry) == 64
    else:  # MODI50: SC40, and an (unused) FPO size
        contribution = u16(1) + u16(0) + u32(0) + u32(0x1E0) + u32(0x60000020) + u16(0) + u16(0)
        entry = u32(0) + contribution + u16(0) + u16(stream) + u32(symbols) + u32(lines) + u32(0)
        entry += u16(0) + u16(0) + u32(0)
        assert len(entry) == 48
    entry += name + name
    return entry + b"\0" * ((-len(entry)) % 4)


def dbi_stream(version, modern, module_stream, symbols, lines, debug_header=True, omap=False):
    modules = module_entry(modern, module_stream, symbols, lines)
    # Debug header: FPO 6, exception, fixup, OMAP to, OMAP from: none, section headers 7, …
    debug = u16(6) + u16(NIL) * 4 + u16(7) + u16(NIL) * 5 if debug_header else b""
    if omap:  # … OMAP to 8, OMAP from 9, original section headers 10
        debug = u16(6) + u16(NIL) * 2 + u16(8) + u16(9) + u16(7) + u16(NIL) * 4 + u16(10)
    header = u32(0xFFFFFFFF) + u32(version) + u32(AGE) + u16(NIL) + u16(0) + u16(NIL) + u16(0)
    header += u16(5) + u16(0) + u32(len(modules)) + u32(0) + u32(0) + u32(0) + u32(0) + u32(0)
    header += u32(len(debug)) + u32(0) + u16(0) + u16(0x14C) + u32(0)
    assert len(header) == 64
    return header + modules + debug


def sections():
    out = b""
    for name, vsize, address, flags in tiny.SECTIONS:
        out += name.ljust(8, b"\0") + u32(vsize) + u32(address) + u32(vsize) + u32(0) * 3 + u16(0) * 2 + u32(flags)
    return out


def msf(streams):
    """The small MSF: page 0 the header, page 1 the free page map, then the streams'
    pages, then the stream table's pages."""
    pages = [b"", b""]
    lists = []
    for data in streams:
        numbers = []
        for start in range(0, len(data), PAGE):
            numbers.append(len(pages))
            pages.append(data[start:start + PAGE])
        lists.append(numbers)
    table = u16(len(streams)) + u16(0)
    for data in streams:
        table += u32(len(data)) + u32(0)
    for numbers in lists:
        table += b"".join(u16(n) for n in numbers)
    table_pages = []
    for start in range(0, len(table), PAGE):
        table_pages.append(len(pages))
        pages.append(table[start:start + PAGE])
    header = b"Microsoft C/C++ program database 2.00\r\n\x1aJG\0\0"
    header += u32(PAGE) + u16(1) + u16(len(pages)) + u32(len(table)) + u32(0)
    header += b"".join(u16(n) for n in table_pages)
    pages[0] = header
    pages[1] = b"\xff" * 16
    return b"".join(page.ljust(PAGE, b"\0") for page in pages)


# The rearranged image: (original address, image address); 0 for removed bytes.
OMAP_FROM_SOURCE = [
    (0x1000, 0x1800),  # main
    (0x1060, 0x1000),  # ParseRecord
    (0x10A8, 0),
    (0x10B0, 0x1200),  # helper
    (0x10D0, 0),
    (0x1100, 0x1100),  # Queue::Dispatch
    (0x1134, 0),
    (0x1140, 0x1300),  # WorkerThread, first part
    (0x1160, 0x1400),  # WorkerThread, the rest moved away
    (0x11C0, 0x1500),  # StartQueue
]


def omap_streams():
    from_source = b"".join(u32(a) + u32(b) for a, b in OMAP_FROM_SOURCE)
    to_source = sorted((b, a) for a, b in OMAP_FROM_SOURCE if b)
    return from_source, b"".join(u32(a) + u32(b) for a, b in to_source)


def rearranged_sections():
    out = b""
    for name, vsize, address, flags in tiny.SECTIONS:
        size = 0x800 if name == b".text" else vsize
        out += name.ljust(8, b"\0") + u32(size) + u32(address) + u32(size) + u32(0) * 3 + u16(0) * 2 + u32(flags)
    return out


def pdb(version, dbi_version, wide, debug_header=True, omap=False):
    symbols = tiny.align_sym(wide)
    symbols = u32(2 if wide else 1) + symbols[4:]  # CV_SIGNATURE_C11 / C7
    lines = tiny.src_module()
    module = symbols + lines
    publics = tiny.global_pub(wide)[16:]  # the records, without sstGlobalPub's hash header
    streams = [
        b"",  # 0: the old stream table
        info_stream(version),  # 1
        b"",  # 2: types (not read)
        dbi_stream(dbi_version, dbi_version >= 19970606, 4, len(symbols), len(lines), debug_header, omap),  # 3
        module,  # 4
        publics,  # 5: symbol records
    ]
    if omap:
        from_source, to_source = omap_streams()
        streams += [tiny.fpo(), rearranged_sections(), to_source, from_source, sections()]  # 6 … 10
    elif debug_header:
        streams += [tiny.fpo(), sections()]  # 6, 7
    return msf(streams)


def nt4_dbg(pdb_name):
    """The .dbg of the pair: sections, FPO, misc, and CodeView NB10 naming the PDB
    (signature 'NB10', offset 0, signature u32, age u32, the PDB's path)."""
    nb10 = b"NB10" + u32(0) + u32(SIGNATURE) + u32(AGE) + b"C:\\src\\tiny\\Release\\" + pdb_name.encode() + b"\0"
    return tiny.dbg([(4, tiny.misc()), (2, nb10), (3, tiny.fpo())])


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "."
    files = {
        "tiny-vc6.pdb": pdb(19970604, 19970606, wide=True),
        "tiny-vc4.pdb": pdb(19950623, 930803, wide=False),
        "tiny-nt4.pdb": pdb(19960307, 19960307, wide=True, debug_header=False),
        "tiny-nt4.dbg": nt4_dbg("tiny-nt4.pdb"),
        "tiny-omap.pdb": pdb(19970604, 19970606, wide=True, omap=True),
    }
    for name, data in files.items():
        with open(f"{outdir}/{name}", "wb") as handle:
            handle.write(data)


if __name__ == "__main__":
    main()
