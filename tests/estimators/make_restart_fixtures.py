#!/usr/bin/env python3
"""make_restart_fixtures.py: expected values of the restart tests.

For each case, writes its 1000 x 1000 matrix with `test_restart --write`,
runs NIST's ea_restart (1.1.7) on it as `ea_restart -v FILE BITS H_I`, and
records what it printed (alpha, X_cutoff, X_max, the verdicts, H_r, H_c) in
tests/data/restart/expected.json, which test_restart checks.

Usage:
    tests/estimators/make_restart_fixtures.py --test-restart BUILD/tests/estimators/test_restart [--tool PATH]

The tool path comes from --tool, else $EA_RESTART, else ea_restart on PATH.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "restart", "expected.json")

# case, bits, H_I
CASES = [("skewed4", 4, 3.0), ("stuck", 4, 3.0), ("binary", 1, 0.7)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", default=os.environ.get("EA_RESTART") or shutil.which("ea_restart"))
    ap.add_argument("--test-restart", required=True)
    args = ap.parse_args()
    if not args.tool:
        sys.exit("make_restart_fixtures: set --tool or EA_RESTART to NIST's ea_restart")
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for case, bits, hi in CASES:
            path = os.path.join(tmp, case + ".bin")
            subprocess.run([args.test_restart, "--write", case, path], check=True)
            text = subprocess.run([args.tool, "-v", path, str(bits), repr(hi)],
                                  capture_output=True, text=True).stdout
            e = {"case": case, "bits": bits, "h_initial": hi}
            m = re.search(r"ALPHA: ([-+0-9.eE]+), X_cutoff: (\d+)", text)
            e["alpha"], e["x_cutoff"] = float(m.group(1)), int(m.group(2))
            e["x_max"] = int(re.search(r"X_max: (\d+)", text).group(1))
            e["sanity_pass"] = "Restart Sanity Check Failed" not in text
            if e["sanity_pass"]:
                e["h_r"] = float(re.search(r"^H_r: ([-+0-9.eE]+)", text, re.M).group(1))
                e["h_c"] = float(re.search(r"^H_c: ([-+0-9.eE]+)", text, re.M).group(1))
                e["validation_pass"] = "Validation Test Passed" in text
            out.append(e)
            print(e)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
