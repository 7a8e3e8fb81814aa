"""Google Breakpad's minidump processor on the fixture dumps, in process.

Breakpad's `minidump_stackwalk` is not packaged for Debian and its source is not reachable from
this machine. Sentry's `symbolic` 8.7.3 wheel on PyPI has Breakpad's processor compiled in:
`symbolic.minidump.ProcessState.from_minidump(dump, frame_infos)` runs Breakpad's
MinidumpProcessor with a BasicSourceLineResolver, handing it, for each module, the text of a
"CFI cache" (version 1 is plain Breakpad records) to load with LoadModuleUsingMemoryBuffer, on
every call. Given the whole .sym file as that text (its STACK records first, as the format
check wants, and without the MODULE line), each call does what `minidump_stackwalk` does for a
dump after its process has started: Breakpad parses every record of each symbol file, reads
the dump and walks every thread. This times that, warm, and prints the frames it found.

usage: python breakpad_walk.py REPEAT STORE DUMP...   (scripts/bench-breakpad sets it up)
"""

import glob
import os
import statistics
import sys
import tempfile
import time

from symbolic.minidump import CfiCache, FrameInfoMap, ProcessState


def symbol_files(state, store):
    """(debug id, .sym path) for each module of the dump with a file in the store, found as
    NAME/ID/*.sym the way analyse and minidump_stackwalk find them."""
    found = []
    for module in state.modules():
        if not module.debug_file or not module.debug_id:
            continue
        name = os.path.basename(module.debug_file.replace("\\", "/"))
        identifier = module.debug_id.replace("-", "").upper()
        for path in sorted(glob.glob(os.path.join(store, name, "*", "*.sym"))):
            if os.path.basename(os.path.dirname(path)).upper()[:32] == identifier[:32]:
                found.append((module.debug_id, path))
                break
    return found


def whole_file_cache(path, directory):
    """A version-1 CFI cache holding every record of the .sym at `path`, or None when it has no
    STACK record (symbolic then refuses it; such a file has nothing for the walk, and at a few
    kilobytes its parse is nothing either)."""
    with open(path, "rb") as source:
        lines = source.read().split(b"\n")
    stack = [line for line in lines if line.startswith(b"STACK ")]
    if not stack:
        return None
    rest = [line for line in lines if not line.startswith(b"STACK ") and not line.startswith(b"MODULE ")]
    cache = os.path.join(directory, os.path.basename(path) + ".cfi")
    with open(cache, "wb") as output:
        output.write(b"\n".join(stack + rest))
    return CfiCache.open(cache)


def frame_infos(dump, store, directory=None):
    """Breakpad's view of the dump's symbol files: every record of each (whole_file_cache)."""
    infos = FrameInfoMap.new()
    directory = directory or tempfile.mkdtemp(prefix="breakpad-walk-")
    for debug_id, path in symbol_files(ProcessState.from_minidump(dump), store):
        cache = whole_file_cache(path, directory)
        if cache is not None:
            infos.add(debug_id, cache)
    return infos


def main():
    repeat, store, dumps = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory() as directory:
        for dump in dumps:
            infos = frame_infos(dump, store, directory)
            state = ProcessState.from_minidump(dump, infos)
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                ProcessState.from_minidump(dump, infos)
                times.append(time.perf_counter() - start)
            print(f"== {os.path.basename(dump)}")
            for number, thread in enumerate(state.threads()):
                for index, frame in enumerate(thread.frames()):
                    module = frame.module
                    name = module.code_file.replace("\\", "/").split("/")[-1] if module else ""
                    print(f"  thread {number} frame {index:2d}  {frame.instruction:#018x}  {frame.trust:<8} {name}")
            print(
                f"  Breakpad: load the symbol files, read the dump, walk: median"
                f" {statistics.median(times) * 1e3:.2f} ms, best {min(times) * 1e3:.2f} ms ({repeat} runs)"
            )


if __name__ == "__main__":
    main()
