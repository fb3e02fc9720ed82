#!/usr/bin/env python3
"""make_fixtures.py: generate the SP 800-90B estimator fixtures.

Each case is a seeded sample file (one symbol per byte, the reference tool's
input format) written to tests/data/estimators/<case>/input.bin, together
with expected.json: every estimate NIST's ea_non_iid (version 1.1.7) printed
for it, which estimators it skipped, and its final H_original, H_bitstring
and assessed values. The tests compare mebench's assessment against these
files and never need the reference tool.

Usage:
    tests/estimators/make_fixtures.py [--tool PATH] [--out DIR] [CASE...]

The tool path comes from --tool, else $EA_NON_IID, else ea_non_iid on PATH.
The reference tool is run as `ea_non_iid -v -v FILE [BITS]` (initial
entropy, all bits: its defaults) and its full-precision (%.17g) report is
parsed. Inputs are regenerated bit for bit from the seeds below.
"""

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "data", "estimators")

# The reference tool's names for the estimators, as in its verbose report,
# mapped to mebench's keys (harness/estimators/estimators.h).
NAMES = {
    "Most Common Value": "mcv",
    "Collision": "collision",
    "Markov": "markov",
    "Compression": "compression",
    "t-Tuple": "t_tuple",
    "LRS": "lrs",
    "MultiMCW Prediction": "multi_mcw",
    "Lag Prediction": "lag",
    "MultiMMC Prediction": "multi_mmc",
    "LZ78Y Prediction": "lz78y",
}
ALL = ["mcv", "collision", "markov", "compression", "t_tuple", "lrs",
       "multi_mcw", "lag", "multi_mmc", "lz78y"]
NON_BINARY_LITERAL = ["mcv", "t_tuple", "lrs", "multi_mcw", "lag",
                      "multi_mmc", "lz78y"]


# ---------------------------------------------------------------- inputs

def uniform8(rng):
    return bytes(rng.randrange(256) for _ in range(100000))


def biased8(rng):
    # A heavy head: 0x00 half the time, then a geometric tail over 255 values.
    out = bytearray()
    for _ in range(50000):
        if rng.random() < 0.5:
            out.append(0)
        else:
            out.append(min(255, 1 + int(rng.expovariate(0.08))))
    return bytes(out)


def markov1(rng):
    # A 1-bit Markov chain that stays put with probability 0.8.
    out = bytearray()
    bit = 0
    for _ in range(100000):
        if rng.random() >= 0.8:
            bit ^= 1
        out.append(bit)
    return bytes(out)


def skewed4(rng):
    weights = [40, 20, 10, 8, 6, 4, 3, 2, 2, 1, 1, 1, 1, 0.5, 0.3, 0.2]
    return bytes(rng.choices(range(16), weights=weights, k=60000))


def timing(rng):
    # Timing-like deltas: a base cost, log-normal jitter, rare long stalls,
    # a 3-tick clock quantum; the low 8 bits are kept as the runner does.
    out = bytearray()
    for _ in range(60000):
        t = 1200 + rng.lognormvariate(3.0, 0.6)
        if rng.random() < 0.01:
            t += rng.uniform(2000, 20000)
        out.append((int(t) // 3 * 3) & 0xFF)
    return bytes(out)


def periodic(rng):
    # A period-23 pattern of 6-bit values, 10% of samples replaced by noise.
    pattern = [rng.randrange(64) for _ in range(23)]
    out = bytearray()
    for i in range(60000):
        out.append(rng.randrange(64) if rng.random() < 0.1 else pattern[i % 23])
    return bytes(out)


def small(rng):
    return bytes(rng.randrange(256) for _ in range(1000))


def two_values8(rng):
    # Two distinct 8-bit values: binary data for the reference tool.
    return bytes(rng.choice((0x3C, 0xA5)) if rng.random() < 0.9 else 0xA5
                 for _ in range(20000))


def narrow3_as4(rng):
    # 3-bit data declared as 4 bits: the bitstring keeps 4 bits per symbol.
    return bytes(rng.choices(range(8), weights=[8, 1, 1, 1, 2, 1, 1, 1], k=30000))


def cycle3(rng):
    # A source stuck in one regime: three byte values in a fixed cycle, so
    # the longest repeated substring is almost the whole input.
    values = [rng.randrange(256) for _ in range(3)]
    return bytes(values[i % 3] for i in range(20000))


def runs8(rng):
    # Long runs: a byte value held for 1 to 300 samples, then another.
    out = bytearray()
    while len(out) < 30000:
        out += bytes([rng.randrange(256)]) * (1 + rng.randrange(300))
    return bytes(out[:30000])


# name: (generator, seed, bits argument or None, description)
CASES = {
    "uniform8": (uniform8, 1, None, "uniform 8-bit, 100,000 samples"),
    "biased8": (biased8, 2, None, "heavily biased bytes: 0 half the time, geometric tail"),
    "markov1": (markov1, 3, None, "1-bit Markov chain, P(stay) = 0.8"),
    "skewed4": (skewed4, 4, None, "skewed 4-bit distribution"),
    "timing": (timing, 5, None, "timing-like deltas, low 8 bits"),
    "periodic": (periodic, 6, None, "period-23 6-bit pattern with 10% noise"),
    "small": (small, 7, None, "uniform 8-bit, 1,000 samples"),
    "two_values8": (two_values8, 8, None, "two distinct 8-bit values (binary data)"),
    "narrow3_as4": (narrow3_as4, 9, 4, "3-bit data declared as 4 bits per symbol"),
    "cycle3": (cycle3, 10, None, "three byte values in a fixed cycle (v close to n)"),
    "runs8": (runs8, 11, None, "bytes held for 1 to 300 samples each"),
}


# ---------------------------------------------------------------- parsing

LINE = re.compile(r"^(Literal|Bitstring) (.+?) Estimate: (.+?) = (\S+)$")


def parse(report, bits_arg):
    """The reference tool's -v -v report -> the expected.json fields."""
    sections = {"literal": {}, "bitstring": {}}
    raw = {"literal": {}, "bitstring": {}}
    out = {}
    for line in report.splitlines():
        m = re.match(r"^Loaded (\d+) samples of (\d+) distinct (\d+)-bit-wide symbols", line)
        if m:
            out["samples"] = int(m.group(1))
            out["alphabet_size"] = int(m.group(2))
            out["bits_per_symbol"] = int(m.group(3))
            continue
        m = LINE.match(line)
        if m:
            label, name, key, value = m.groups()
            if name not in NAMES:
                continue
            sec = label.lower()
            est = NAMES[name]
            raw[sec].setdefault(est, {})[key] = value
            continue
        for prefix, field in (("H_bitstring = ", "h_bitstring"),
                              ("H_original = ", "h_original"),
                              ("Assessed min entropy: ", "h_assessed")):
            if line.startswith(prefix):
                out[field] = float(line[len(prefix):])
    if bits_arg is not None:
        out["bits_per_symbol"] = bits_arg
    for sec in raw:
        for est, kv in raw[sec].items():
            if "min entropy" not in kv:
                continue
            e = {"h": float(kv["min entropy"])}
            p = None
            if est in ("mcv", "t_tuple", "lrs"):
                p = float(kv["p_u"])
            elif est in ("collision", "compression"):
                p = float(kv["p"])
            elif est == "markov":
                p = float(kv["p-hat_max"])
            else:
                # §6.3.7 step 6 (and the same step of §6.3.8-§6.3.10):
                # p = max(P_global', P_local, 1/k), k the alphabet size
                # (2 for the bitstring).
                p = float(kv["P_global'"])
                if "P_local" in kv:
                    p = max(p, float(kv["P_local"]))
                k = 2 if sec == "bitstring" else out.get("alphabet_size", 2)
                p = max(p, 1.0 / k)
            e["p"] = p
            e["reported"] = {k: float(v) for k, v in kv.items()
                             if k != "min entropy" and re.match(r"^-?[0-9.]", v)}
            sections[sec][est] = e
    binary = out["alphabet_size"] == 2
    out["binary"] = binary
    expected_run = {"literal": ALL if binary else NON_BINARY_LITERAL,
                    "bitstring": [] if binary else ALL}
    out["literal"] = sections["literal"]
    out["bitstring"] = sections["bitstring"]
    out["skipped"] = {sec: [e for e in expected_run[sec] if e not in sections[sec]]
                      for sec in expected_run}
    if "h_bitstring" not in out:
        out["h_bitstring"] = None
    return out


# ---------------------------------------------------------------- driver

def find_tool(arg):
    for cand in (arg, os.environ.get("EA_NON_IID"), shutil.which("ea_non_iid")):
        if cand and os.access(cand, os.X_OK):
            return cand
    sys.exit("make_fixtures.py: the reference tool was not found: pass --tool PATH "
             "or set EA_NON_IID")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", help="path of ea_non_iid (default: $EA_NON_IID)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="fixture folder")
    ap.add_argument("cases", nargs="*", help="cases to (re)generate (default: all)")
    args = ap.parse_args()
    tool = find_tool(args.tool)
    names = args.cases or list(CASES)
    for name in names:
        if name not in CASES:
            sys.exit("make_fixtures.py: unknown case '%s' (expected one of %s)"
                     % (name, ", ".join(CASES)))
    version = subprocess.run([tool, "--version"], capture_output=True,
                             text=True).stdout.split("\n")[0].strip()
    for name in names:
        gen, seed, bits, desc = CASES[name]
        data = gen(random.Random(seed))
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "input.bin")
        with open(path, "wb") as f:
            f.write(data)
        cmd = [tool, "-v", "-v", "input.bin"] + ([str(bits)] if bits else [])
        res = subprocess.run(cmd, cwd=folder, capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit("make_fixtures.py: %s: the reference tool failed (exit %d):\n%s%s"
                     % (name, res.returncode, res.stdout[-2000:], res.stderr[-2000:]))
        exp = {"case": name, "description": desc, "seed": seed, "bits_arg": bits,
               "reference": version or "ea_non_iid",
               "command": "ea_non_iid -v -v input.bin" + (" %d" % bits if bits else "")}
        exp.update(parse(res.stdout, bits))
        with open(os.path.join(folder, "expected.json"), "w") as f:
            json.dump(exp, f, indent=1, sort_keys=False)
            f.write("\n")
        print("%-12s %7d samples  H_original %.6f  H_bitstring %s  H_assessed %.6f  "
              "skipped %s" % (name, exp["samples"], exp["h_original"],
                              "%.6f" % exp["h_bitstring"] if exp["h_bitstring"] is not None
                              else "-", exp["h_assessed"],
                              ",".join("%s.%s" % (s, e) for s in exp["skipped"]
                                       for e in exp["skipped"][s]) or "none"))


if __name__ == "__main__":
    main()
