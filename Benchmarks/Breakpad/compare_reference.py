"""analyse's walk of a dump against the output Breakpad's minidump_stackwalk left beside it.

Breakpad's test data keeps `minidump_stackwalk -m` output for some of its dumps (the arm64 and
arm microdumps: `microdump.stackwalk.machine_readable-arm64.out`, `…-arm.out`): one line per frame,
`thread|frame|module|function|file|line|offset`. Every frame of the crashed thread must be
analyse's at the same position with the same module, function, file and line (for a frame
without a function, the same offset in its module).

usage: python compare_reference.py ANALYSE STORE DUMP REFERENCE   (scripts/check-breakpad)
Exit status 1 when a frame differs.
"""

import os
import sys

from analyse_report import analyse_report


def stem(module):
    """A module as analyse names frames by: without a Windows image's extension."""
    lower = module.lower()
    return module[:-4] if lower.endswith((".exe", ".dll", ".sys")) else module


def reference_frames(path):
    frames = []
    for line in open(path, encoding="utf-8", errors="replace"):
        fields = line.rstrip("\n").split("|")
        if len(fields) == 7 and fields[0].isdigit() and fields[1].isdigit():
            frames.append(fields[2:])
    return frames


def analyse_frames(analyse, store, dump):
    report = analyse_report(analyse, store, dump)
    thread = next((thread for thread in report["threads"] if thread.get("crashed")), report["threads"][0])
    modules = sorted((int(module["base"], 16), module["name"]) for module in report.get("modules", []))
    frames = []
    for frame in thread["frames"]:
        if frame.get("trust") == "inline":
            continue
        resolved = frame.get("resolved") or {}
        instruction = int(frame["instruction"], 16)
        module = resolved.get("module") or next((name for base, name in reversed(modules) if base <= instruction), "")
        base = next((base for base, name in reversed(modules) if base <= instruction), 0)
        frames.append([
            module, resolved.get("function", ""), resolved.get("file", ""), str(resolved.get("line", "")),
            hex(instruction - base),
        ])
    return frames


def main():
    analyse, store, dump, reference = sys.argv[1:5]
    theirs = reference_frames(reference)
    ours = analyse_frames(analyse, store, dump)
    same = 0
    for index, expected in enumerate(theirs):
        found = ours[index] if index < len(ours) else None
        module, function, source, line, offset = expected
        module = stem(module)
        if found is None:
            print(f"  {os.path.basename(dump)} frame {index}: Breakpad {module}!{function}, analyse nothing")
            continue
        if function:
            matches = [stem(found[0])] + found[1:4] == [module, function, source, line]
        else:
            matches = stem(found[0]) == module and int(found[4], 16) == int(offset, 16)
        if matches:
            same += 1
        else:
            print(f"  {os.path.basename(dump)} frame {index}: Breakpad {expected}, analyse {found}")
    print(f"{os.path.basename(dump)}: {same} of Breakpad's {len(theirs)} frames the same in analyse's {len(ours)}")
    sys.exit(0 if same == len(theirs) else 1)


if __name__ == "__main__":
    main()
