# Run inside gdb (`gdb -batch -nx -x gdb_frames.py --args PROGRAM`): runs the program until it
# stops on a signal, writes its core with gcore to $CORE (or, with $CORE_IN, reads the core
# another tool wrote: qemu-user's of a guest program), and writes every thread's frames to
# $FRAMES as JSON: {"<tid>": [{"pc": N, "function": "name", "tail": bool}, ...]}, innermost
# first, past main: the physical ones (gdb's NORMAL and SIGTRAMP frames) and the tail-call
# frames gdb reconstructs from DWARF call sites (TAILCALL, `"tail": true`); an inlined call's
# frames share their physical frame's registers and are left out.
import json
import os

import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set backtrace past-main on")
gdb.execute("set backtrace past-entry on")
if "CORE_IN" in os.environ:
    gdb.execute("core-file " + os.environ["CORE_IN"], to_string=True)
else:
    gdb.execute("run", to_string=True)
    gdb.execute("gcore " + os.environ["CORE"], to_string=True)
threads = {}
for inferior in gdb.inferiors():
    for thread in inferior.threads():
        thread.switch()
        frames = []
        frame = gdb.newest_frame()
        while frame is not None and len(frames) < 256:
            if frame.type() in (gdb.NORMAL_FRAME, gdb.SIGTRAMP_FRAME, gdb.TAILCALL_FRAME):
                frames.append({"pc": frame.pc(), "function": frame.name() or "??",
                               "tail": frame.type() == gdb.TAILCALL_FRAME})
            try:
                frame = frame.older()
            except gdb.error:
                break
        threads[str(thread.ptid[1])] = frames
with open(os.environ["FRAMES"], "w") as output:
    json.dump(threads, output)
if "CORE_IN" not in os.environ:
    gdb.execute("kill", to_string=True)
