#!/usr/bin/env python3
"""make_expected.py: the replay runner fixture and its expected summaries.

Writes timings.txt (a seeded synthetic recording: a 1000-tick baseline with
Gaussian jitter, a slow mode every few operations and rare long stalls) and
expected.json: for every measured call of replay.json, the raw-delta
statistics computed here from their definitions (results/README.md), and the
per-estimator min-entropy that NIST's reference tool (ea_non_iid 1.1.7)
prints for the call's extracted bytes and for its raw deltas reduced to
raw_bits bits. The reference tool is run, not copied: pass its path.

Usage: make_expected.py /path/to/ea_non_iid   (run from this directory)
"""
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
N_TIMINGS = 4000  # the replay wraps around: calls cross the file's end


def make_timings():
    rng = random.Random(20261121)
    out = []
    for i in range(N_TIMINGS):
        v = 1000 + int(round(rng.gauss(0, 25)))
        if i % 7 == 3:
            v += 180 + rng.randrange(40)
        if rng.random() < 0.004:
            v += 20000 + rng.randrange(5000)
        out.append(v)
    return out


def extract(t, n):
    """The seed's extract_timing_entropy (REFERENCE.md)."""
    m = (1 << 64) - 1
    d = [(t[i + 1] - t[i]) & m for i in range(len(t) - 1)]
    out = []
    for i in range(len(d) - 1):
        x = d[i] ^ d[i + 1]
        b = 0
        for k in range(8):
            b ^= (x >> (8 * k)) & 0xFF
        out.append(b)
    return out[:n]


def rank(n, pct):
    return max(1, min(n, -(-n * pct // 100)))


def stats(x):
    s = sorted(x)
    n = len(s)
    med = s[rank(n, 50) - 1]
    dev = sorted(abs(v - med) for v in s)
    mean = Fraction(sum(s), n)
    var = sum((Fraction(v) - mean) ** 2 for v in s) / (n - 1)
    g = 0
    for v in s:
        g = math.gcd(g, v)
    return {
        "n": n, "min": s[0], "p01": s[rank(n, 1) - 1], "p50": med,
        "p99": s[rank(n, 99) - 1], "max": s[-1], "mean": float(mean),
        "stddev": math.sqrt(float(var)), "mad": dev[rank(n, 50) - 1],
        "distinct": len(set(s)), "quantum": g,
    }


NAMES = {
    "Most Common Value Estimate": "mcv",
    "Collision Test Estimate": "collision",
    "Markov Test Estimate": "markov",
    "Compression Test Estimate": "compression",
    "T-Tuple Test Estimate": "t_tuple",
    "LRS Test Estimate": "lrs",
    "Multi Most Common in Window (MultiMCW) Prediction Test Estimate": "multi_mcw",
    "Lag Prediction Test Estimate": "lag",
    "Multi Markov Model with Counting (MultiMMC) Prediction Test Estimate": "multi_mmc",
    "LZ78Y Prediction Test Estimate": "lz78y",
}


def reference(tool, symbols, bits, wanted):
    """Per-estimator h from the reference tool, and the assessment made
    from the wanted estimators only: min(h_original, bits * h_bitstring)."""
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(bytes(symbols))
        path = f.name
    try:
        text = subprocess.run([tool, "-v", path, str(bits)], capture_output=True,
                              text=True, check=True).stdout
    finally:
        os.unlink(path)
    literal, bitstring = {}, {}
    for m in re.finditer(r"^\s*(.+?) (\(bit string\) )?= ([0-9.]+) / (\d+) bit", text, re.M):
        key = NAMES.get(m.group(1))
        if key:
            (bitstring if m.group(2) else literal)[key] = float(m.group(3))
    lit = [v for k, v in literal.items() if k in wanted]
    bit = [v for k, v in bitstring.items() if k in wanted]
    h_original = min(lit) if lit else None
    h_bitstring = min(bit) if bit else None
    if bits == 1:  # binary data: the literal assessment is the whole story
        h_assessed = h_original
    else:
        cands = [v for v in (h_original, bits * h_bitstring if bit else None) if v is not None]
        h_assessed = min(cands) if cands else None
    return {"literal": {k: v for k, v in literal.items() if k in wanted},
            "bitstring": {k: v for k, v in bitstring.items() if k in wanted},
            "h_original": h_original, "h_bitstring": h_bitstring,
            "h_assessed": h_assessed}


def main():
    tool = sys.argv[1]
    exp = json.load(open(os.path.join(HERE, "replay.json")))
    timings = make_timings()
    with open(os.path.join(HERE, "timings.txt"), "w") as f:
        f.write("# make_expected.py: seeded synthetic raw timings for the runner tests\n")
        for i in range(0, len(timings), 10):
            f.write(" ".join(str(v) for v in timings[i:i + 10]) + "\n")
    samples = exp["samples"]
    k = samples * 4 + 64
    bits = exp["analysis"]["raw_bits"]
    wanted = set(exp["analysis"]["estimators"])
    n_points = len(exp["sweep"]["num_ports"])
    reps = exp["repetitions"]
    # interleaved: repetition 0 of every point, then repetition 1, ...
    schedule = [(p, r) for r in range(reps) for p in range(n_points)]
    pos = exp["warmup"] * k  # warm-up calls consume their timings too
    calls = []
    for seq, (p, r) in enumerate(schedule):
        t = [timings[(pos + i) % N_TIMINGS] for i in range(k)]
        pos += k
        b = extract(t, samples)
        st = stats(t)
        calls.append({
            "point": p, "repetition": r, "sequence": seq, "timings": k, "bytes": len(b),
            "first_timing": t[0], "last_timing": t[-1],
            "raw_stats": st, "ns_per_op": float(st["p50"]),
            "bytes_head": b[:8],
            "entropy": {"bytes": reference(tool, b, 8, wanted),
                        "raw": reference(tool, [v & ((1 << bits) - 1) for v in t], bits,
                                         wanted)},
        })
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"generated_by": "make_expected.py with ea_non_iid 1.1.7",
                   "calls": calls}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
