#!/usr/bin/env python3
"""The `minidump` package (PyPI, skelsec) reading the same dumps as `dump-bench`:
parse every stream N times; dumps/s. It does not walk stacks, so its figure is an upper bound
for reading alone. usage: minidump_bench.py N DUMP…"""
import resource
import sys
import time

from minidump.minidumpfile import MinidumpFile

count = int(sys.argv[1])
for path in sys.argv[2:]:
    start = time.monotonic()
    for _ in range(count):
        dump = MinidumpFile.parse(path)
        _ = dump.threads, dump.modules, dump.memory_segments, dump.exception, dump.sysinfo
    elapsed = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"minidump (PyPI) {path}: {count} reads in {elapsed:.3f} s = {count/elapsed:.0f} dumps/s; peak RSS {rss} MiB")
