"""analyse's JSON report of one dump, as a user runs it: `analyse --json --symbols STORE DUMP`
(the shipped maps left out). Shared by compare_walks.py and compare_reference.py."""

import json
import os
import subprocess
import sys


def analyse_report(analyse, store, dump):
    """The report as a dictionary; exits naming the dump when analyse fails outright."""
    run = subprocess.run(
        [analyse, "--json", "--symbols", store, dump], capture_output=True, text=True, check=False,
        env=dict(os.environ, CRASH_ANALYSIS_SYMBOLS=""),
    )
    if run.returncode not in (0, 2, 3):
        sys.exit(f"{dump}: analyse exited {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)
