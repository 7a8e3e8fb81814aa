"""How much Breakpad's processor adds to a process's peak memory for one dump.

Breakpad's processor as symbolic 8.7.3 has it compiled in (breakpad_walk.py says how each
symbol file is handed over whole): the Python process's peak (ru_maxrss) before and after one
`ProcessState.from_minidump`, which parses every record of the dump's symbol files and walks
its threads. Add a C++ program's floor (an empty one linked with libstdc++) for an estimate of
`minidump_stackwalk`'s whole peak on the same dump (docs/performance.md, "Without libm").

usage: python breakpad_memory.py STORE DUMP   (one dump per process; scripts/bench-breakpad)
"""

import gc
import os
import resource
import sys
import tempfile

from breakpad_walk import frame_infos
from symbolic.minidump import ProcessState


def main():
    store, dump = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as directory:
        infos = frame_infos(dump, store, directory)
        gc.collect()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        state = ProcessState.from_minidump(dump, infos)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"{os.path.basename(dump)}: the processor adds {after - before} KiB to the peak "
              f"({before} → {after} KiB; {len(list(state.threads()))} threads)")


if __name__ == "__main__":
    main()
