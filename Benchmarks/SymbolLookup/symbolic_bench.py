#!/usr/bin/env python3
"""Sentry's `symbolic` (PyPI) on a Breakpad .sym: load (Archive.open + make_symcache) and lookups,
for comparison with `symbols-bench sym` on the same file (scripts/bench-symbols).

usage: symbolic_bench.py FILE.sym [LOOKUPS]"""
import random
import resource
import sys
import time

import symbolic

path = sys.argv[1]
lookups = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
size = __import__("os").path.getsize(path)

start = time.monotonic()
archive = symbolic.Archive.open(path)
obj = next(iter(archive.iter_objects()))
cache = obj.make_symcache()
loaded = time.monotonic()

# The same kind of addresses as symbols-bench: uniform from 0 to the last FUNC's start.
with open(path, "rb") as handle:
    handle.seek(max(0, size - (4 << 20)))
    tail = handle.read().split(b"\n")
starts = [int(line.split()[1], 16) for line in tail if line.startswith(b"FUNC ") and len(line.split()) > 2]
highest = max(starts) if starts else 1 << 24
random.seed(1)
hits = 0
for _ in range(lookups):
    if cache.lookup(random.randrange(0, highest)):
        hits += 1
done = time.monotonic()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"symbolic {symbolic.__name__} on {path}: {size/1e6:.1f} MB loaded (open + symcache) in {loaded-start:.3f} s = "
      f"{size/1e6/(loaded-start):.0f} MB/s; {lookups} lookups in {done-loaded:.3f} s = {lookups/(done-loaded):.0f} lookups/s "
      f"({hits} answered); peak RSS {rss} MiB")
