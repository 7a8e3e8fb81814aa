"""The public dumps of symbolic 8.7.3's source distribution, laid out for compare_walks.py.

symbolic's sdist on PyPI carries Google Breakpad's processor test data (Windows x86 access
violations, Linux amd64 crashes of 2014-2015 with ld, libc and libgcc_s symbols, a 246-frame
stack exhaustion, minidump2.dmp) and symbolic's own fixtures (a macOS, a Linux and a Windows
dump with their .sym files). Nothing of it is committed here: this unpacks it into WORK.

  DIR/breakpad/*.dmp with DIR/breakpad/symbols      (Breakpad's store, as shipped)
  DIR/symbolic/*.dmp with DIR/symbolic/symbols      (laid out by each file's MODULE line)
  DIR/reference/                                    (Breakpad's microdumps, Android logcat text,
                                                     and the `minidump_stackwalk -m` outputs
                                                     kept beside some dumps)

usage: python public_dumps.py SDIST.zip DIR       (scripts/check-breakpad)
"""

import io
import os
import sys
import zipfile

TESTDATA = "rustsrc/symbolic-minidump/third_party/breakpad/src/processor/testdata/"
FIXTURES = "rustsrc/symbolic-testutils/fixtures/"
SYMBOLIC_DUMPS = {"linux/mini.dmp": "linux.dmp", "macos/mini.dmp": "macos.dmp", "windows/mini.dmp": "windows.dmp"}
SYMBOLIC_SYMBOLS = ["linux/crash.sym", "macos/crash.sym", "windows/crash.sym", "windows/CrashWithException.pdb.sym"]


def safe_join(root, relative):
    path = os.path.normpath(os.path.join(root, relative))
    if not path.startswith(os.path.abspath(root) + os.sep):
        sys.exit(f"public_dumps: {relative} leaves {root}")
    return path


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)


def main():
    sdist, target = sys.argv[1], os.path.abspath(sys.argv[2])
    with zipfile.ZipFile(sdist) as outer:
        inner_name = next(name for name in outer.namelist() if name.endswith("/rustsrc.zip"))
        inner = zipfile.ZipFile(io.BytesIO(outer.read(inner_name)))
    for name in inner.namelist():
        if not name.startswith(TESTDATA) or name.endswith("/"):
            continue
        relative = name[len(TESTDATA):]
        if relative.startswith("symbols/") or (relative.endswith(".dmp") and not relative.startswith("microdump")):
            write(safe_join(os.path.join(target, "breakpad"), relative), inner.read(name))
        elif "/" not in relative and (relative.startswith("microdump-") or "machine_readable" in relative):
            write(safe_join(os.path.join(target, "reference"), relative), inner.read(name))
    for source, dump in SYMBOLIC_DUMPS.items():
        write(safe_join(os.path.join(target, "symbolic"), dump), inner.read(FIXTURES + source))
    for source in SYMBOLIC_SYMBOLS:
        data = inner.read(FIXTURES + source)
        fields = data.split(b"\n", 1)[0].decode().split()
        if len(fields) != 5 or fields[0] != "MODULE":
            sys.exit(f"public_dumps: {source} starts with no MODULE record")
        debug_id, debug_file = fields[3], fields[4]
        stem = debug_file[:-4] if debug_file.lower().endswith(".pdb") else debug_file
        write(safe_join(os.path.join(target, "symbolic", "symbols"), f"{debug_file}/{debug_id}/{stem}.sym"), data)


if __name__ == "__main__":
    main()
