#!/usr/bin/env python3
"""Whole-process timings of `analyse`: wall time and peak RSS over repeated runs.

Usage: process_bench.py RUNS LABEL=COMMAND... (COMMAND split on blanks)
Prints, per command, the median and best wall time and the peak RSS of one run
(GNU time's %M). Used by scripts/bench-process; figures in docs/performance.md.
"""
import statistics
import subprocess
import sys
import time


def measure(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    timed = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, check=False)
    peak_kib = int(timed.stderr.strip().split("\n")[-1])
    return statistics.median(times) * 1000, min(times) * 1000, peak_kib / 1024


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    for argument in sys.argv[2:]:
        label, _, command = argument.partition("=")
        median, best, peak = measure(command.split(), runs)
        print(f"{label}: median {median:.1f} ms, best {best:.1f} ms, peak RSS {peak:.1f} MiB")


if __name__ == "__main__":
    main()
