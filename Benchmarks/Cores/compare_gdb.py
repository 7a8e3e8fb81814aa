"""analyse's walk of a core against gdb's frames (gdb_frames.py), thread by thread.

    compare_gdb.py GDB_FRAMES.json ANALYSE_REPORT.json NAME

Every physical frame gdb found must be analyse's at the same place in the same thread: the
same address (frame 0 its instruction pointer, a caller its return address) and found by call
frame information or the context, not by scanning; every tail-call frame gdb reconstructs from
DWARF call sites must be among the frame's `tail_calls` at the same address (after the jump),
in order. analyse may walk on past gdb's last frame. Prints one line per thread and a summary;
exits 1 on a difference.
"""
import json
import sys


def main() -> int:
    gdb_threads = json.load(open(sys.argv[1]))
    report = json.load(open(sys.argv[2]))
    name = sys.argv[3]
    ours = {}
    for thread in report["threads"]:
        pcs = []
        # A caller's `instruction` is its return address less one on x86 (the call's last byte),
        # less four on the fixed-width instruction sets (the call itself).
        step = 1 if thread.get("architecture") in ("x86", "amd64") else 4
        for index, frame in enumerate(thread.get("frames", [])):
            address = int(frame["instruction"], 16)
            pcs.append((address if index == 0 else address + step, frame.get("trust"), frame.get("resolved", {}).get("function")))
            for tail in frame.get("tail_calls", []):
                pcs.append((int(tail["address"], 16), "tail", tail.get("function")))
        ours[str(int(thread["id"], 16) if isinstance(thread["id"], str) else thread["id"])] = pcs
    failures = 0
    total = 0
    for tid, frames in sorted(gdb_threads.items()):
        walked = ours.get(tid)
        if walked is None:
            print(f"{name}: thread {tid}: not in analyse's report")
            failures += 1
            continue
        for index, frame in enumerate(frames):
            total += 1
            if index >= len(walked):
                print(f"{name}: thread {tid}: frame {index} ({frame['function']} at {frame['pc']:#x}) missing: analyse stopped after {len(walked)}")
                failures += 1
                break
            pc, trust, function = walked[index]
            if pc != frame["pc"] or trust == "scan" or (trust == "tail") != frame.get("tail", False):
                print(f"{name}: thread {tid}: frame {index}: gdb {frame['function']} at {frame['pc']:#x}, analyse {function} at {pc:#x} ({trust})")
                failures += 1
                break
        else:
            tails = sum(1 for f in frames if f.get("tail"))
            shown = ", ".join(f["function"] + (" (tail call)" if f.get("tail") else "") for f in frames)
            print(f"{name}: thread {tid}: {len(frames)} frames as gdb's, {tails} of them tail calls ({shown})")
    print(f"{name}: {total} frames of {len(gdb_threads)} threads compared, {failures} difference(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
