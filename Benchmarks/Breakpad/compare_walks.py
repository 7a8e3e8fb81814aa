"""analyse's minidump walks against Google Breakpad's, frame by frame.

Breakpad's processor comes compiled into Sentry's symbolic 8.7.3 wheel (PyPI); see
breakpad_walk.py. For each dump, both walk every thread with the same Breakpad .sym files:
Breakpad through symbolic's ProcessState (its MinidumpProcessor and BasicSourceLineResolver),
analyse as a user runs it (`analyse --json --symbols STORE DUMP`). Then, thread by thread:

  - every frame Breakpad found from the context, CFI, a frame pointer or a prewalk must be
    analyse's frame at the same position, with the same instruction address, found the same
    way (STACK WIN or CFI, a frame pointer or return-address register: not by scanning);
  - the share of all Breakpad's frames, scanned ones included, that analyse has in the same
    order (the longest common subsequence of the two address lists) is printed: analyse
    follows frame-pointer chains Breakpad gives up on and stops scanning at the end of the
    real stack, so where Breakpad scans its way through stale stack memory the share is low
    by design (docs/performance.md, "Breakpad's processor, measured").

With --until-scan, only Breakpad's trusted frames before its first scanned one are required:
symbolic's processor resolves no names while it walks, so it takes any address in a module as a
scanned frame, where Breakpad's minidump_stackwalk with the same symbols rejects those outside
every function and scans on (as analyse does); the frames it then finds by CFI or a frame pointer
hang on a choice the wheel cannot show. The public dumps are checked this way.

usage: python compare_walks.py ANALYSE [--until-scan] STORE DUMP...   (scripts/check-breakpad)
Exit status 1 when a required Breakpad frame is missing or misplaced.
"""

import os
import sys

from symbolic.minidump import ProcessState

from analyse_report import analyse_report
from breakpad_walk import frame_infos

TRUSTED = {"context", "cfi", "fp", "prewalked"}

# How analyse names the ways Breakpad's trusted frames are found (Breakpad calls STACK WIN and
# STACK CFI alike "cfi"); a frame at the right address found another way (by scanning) is not
# in place.
SAME_WAY = {
    "context": {"context"},
    "cfi": {"cfi", "frame_data"},
    "fp": {"frame_pointer", "ra_register"},
    "prewalked": {"context", "cfi", "frame_data", "frame_pointer", "ra_register", "scan", "frame_data_scan"},
}


def breakpad_threads(dump, store):
    state = ProcessState.from_minidump(dump, frame_infos(dump, store))
    return [[(frame.instruction, frame.trust) for frame in thread.frames()] for thread in state.threads()]


def analyse_threads(analyse, dump, store):
    report = analyse_report(analyse, store, dump)
    threads = []
    for thread in report.get("threads", []):
        frames = [frame for frame in thread.get("frames", []) if frame.get("trust") != "inline"]
        threads.append([(int(frame["instruction"], 16), frame.get("trust", "")) for frame in frames])
    return threads


def common_in_order(first, second):
    """The length of the longest common subsequence of two address lists."""
    previous = [0] * (len(second) + 1)
    for left in first:
        current = [0]
        for index, right in enumerate(second):
            current.append(previous[index] + 1 if left == right else max(previous[index + 1], current[index]))
        previous = current
    return previous[-1]


def main():
    arguments = sys.argv[1:]
    until_scan = "--until-scan" in arguments
    arguments = [argument for argument in arguments if argument != "--until-scan"]
    analyse, store, dumps = arguments[0], arguments[1], arguments[2:]
    failed = False
    for dump in dumps:
        theirs = breakpad_threads(dump, store)
        ours = analyse_threads(analyse, dump, store)
        total = trusted = placed = in_order = 0
        for number, frames in enumerate(theirs):
            mine = ours[number] if number < len(ours) else []
            total += len(frames)
            in_order += common_in_order([address for address, _ in frames], [address for address, _ in mine])
            for index, (address, trust) in enumerate(frames):
                if until_scan and trust == "scan":
                    break
                if trust not in TRUSTED:
                    continue
                trusted += 1
                if index < len(mine) and mine[index][0] == address and mine[index][1] in SAME_WAY[trust]:
                    placed += 1
                else:
                    failed = True
                    found = f"{mine[index][0]:#x} ({mine[index][1]})" if index < len(mine) else "nothing"
                    print(f"  {os.path.basename(dump)} thread {number} frame {index}: Breakpad {address:#x} ({trust}), analyse {found}")
        share = 100.0 * in_order / total if total else 100.0
        print(
            f"{os.path.basename(dump)}: Breakpad {total} frames, {trusted} from context/CFI/frame pointer;"
            f" analyse {sum(len(frames) for frames in ours)}; trusted frames in place {placed}/{trusted};"
            f" Breakpad's frames in analyse's order {in_order}/{total} ({share:.0f} %)"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
