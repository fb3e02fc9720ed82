#!/usr/bin/env python3
"""make_iid_fixtures.py: generate the SP 800-90B IID-track fixtures.

Each case is a seeded sample file (one symbol per byte) written to
tests/data/iid/<case>/input.bin, with expected.json: what NIST's ea_iid
(version 1.1.7) printed for it with `ea_iid -v -v -v FILE BITS`: the 19
permutation-test statistics of the unpermuted data, the chi-square and LRS
results, the MCV estimates and assessed value, and the verdicts. The
permutation counters are NIST's own (its generator is seeded randomly), so
the tests compare verdicts there, not counts. test_iid compares mebench
against these files and never needs the tool.

Usage:
    tests/estimators/make_iid_fixtures.py [--tool PATH] [--out DIR] [CASE...]

The tool path comes from --tool, else $EA_IID, else ea_iid on PATH.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "data", "iid")

STATS = ["excursion", "numDirectionalRuns", "lenDirectionalRuns",
         "numIncreasesDecreases", "numRunsMedian", "lenRunsMedian",
         "avgCollision", "maxCollision", "periodicity(1)", "periodicity(2)",
         "periodicity(8)", "periodicity(16)", "periodicity(32)",
         "covariance(1)", "covariance(2)", "covariance(8)", "covariance(16)",
         "covariance(32)", "compression"]


def uniform8(rng):
    """Clearly IID bytes."""
    return bytes(rng.randrange(256) for _ in range(20000))


def skewed4(rng):
    """IID 4-bit symbols with a skewed distribution."""
    return bytes(min(15, int(rng.expovariate(0.35))) for _ in range(20000))


def binary_iid(rng):
    """IID binary data in 8-bit samples (0x0f, 0xf0): the conversions."""
    return bytes(rng.choice((0x0F, 0xF0)) for _ in range(16000))


def markov1(rng):
    """Clearly non-IID bits: a chain that flips with probability 0.2."""
    out, b = bytearray(), 0
    for _ in range(4000):
        if rng.random() < 0.2:
            b ^= 1
        out.append(b)
    return bytes(out)


def walk4(rng):
    """Clearly non-IID 4-bit symbols: a random walk modulo 16."""
    out, v = bytearray(), 0
    for _ in range(4000):
        v = (v + rng.choice((-1, 0, 1))) % 16
        out.append(v)
    return bytes(out)


def small3(rng):
    """A few hundred 3-bit samples."""
    return bytes(rng.randrange(8) for _ in range(300))


CASES = {
    "uniform8": (uniform8, 8, 101),
    "skewed4": (skewed4, 4, 102),
    "binary_iid": (binary_iid, 8, 103),
    "markov1": (markov1, 1, 104),
    "walk4": (walk4, 4, 105),
    "small3": (small3, 3, 106),
}

NUM = r"([-+0-9.eE]+|inf|nan)"


def parse(text):
    exp = {"statistics": {}, "permutation_counts": {}}
    pats = {
        "mean": r"^Raw Mean = " + NUM,
        "median": r"^Median = " + NUM,
        "h_bitstring": r"^H_bitstring = " + NUM,
        "h_original": r"^H_original = " + NUM,
        "h_assessed": r"^Assessed min entropy: " + NUM,
        "independence_t": r"^Chi square independence: T = " + NUM,
        "independence_df": r"^Chi square independence: df = " + NUM,
        "independence_p": r"^Chi square independence: P-value = " + NUM,
        "gof_t": r"^Chi square goodness of fit: T = " + NUM,
        "gof_df": r"^Chi square goodness of fit: df = " + NUM,
        "gof_p": r"^Chi square goodness of fit: P-value = " + NUM,
        "lrs_p_col": r"Longest Repeated Substring results: P_col = " + NUM,
        "lrs_w": r"Longest Repeated Substring results: W = " + NUM,
        "lrs_pr": r"Longest Repeated Substring results: Pr\(X >= 1\) = " + NUM,
    }
    for key, pat in pats.items():
        m = re.search(pat, text, re.M)
        if m:
            exp[key] = float(m.group(1))
    for name in STATS:
        m = re.search(r"^Permutation testing: Unpermuted result " + re.escape(name)
                      + r" = " + NUM, text, re.M)
        if not m:
            sys.exit("no unpermuted value for %s" % name)
        exp["statistics"][name] = float(m.group(1))
        m = re.search(r"^\s*" + re.escape(name) + r"(\*?)\s+(\d+)\s+(\d+)\s+(\d+)\s*$",
                      text, re.M)
        if m:
            exp["permutation_counts"][name] = {
                "fail": m.group(1) == "*",
                "c": [int(m.group(2)), int(m.group(3)), int(m.group(4))]}
    exp["chi_square_pass"] = "Chi square tests: Passed" in text
    exp["lrs_pass"] = "Length of longest repeated substring test: Passed" in text
    exp["permutation_pass"] = "IID permutation tests: Passed" in text
    exp["iid"] = exp["chi_square_pass"] and exp["lrs_pass"] and exp["permutation_pass"]
    return exp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", default=os.environ.get("EA_IID") or shutil.which("ea_iid"))
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    if not args.tool:
        sys.exit("make_iid_fixtures: set --tool or EA_IID to NIST's ea_iid")
    for case in args.cases or sorted(CASES):
        gen, bits, seed = CASES[case]
        data = gen(random.Random(seed))
        d = os.path.join(args.out, case)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "input.bin")
        with open(path, "wb") as f:
            f.write(data)
        out = subprocess.run([args.tool, "-v", "-v", "-v", path, str(bits)],
                             capture_output=True, text=True, check=False).stdout
        exp = parse(out)
        exp["bits"] = bits
        exp["samples"] = len(data)
        exp["tool"] = "ea_iid 1.1.7 -v -v -v input.bin %d" % bits
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump(exp, f, indent=1, sort_keys=True)
            f.write("\n")
        print("%s: iid=%s h=%s" % (case, exp["iid"], exp.get("h_assessed")))


if __name__ == "__main__":
    main()
