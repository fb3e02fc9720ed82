#!/usr/bin/env python3
"""make_fixtures.py: write the small synthetic runs that compare's golden
tests read (seeded, so the files are reproducible; run from this folder).

base/run.json     5 points x 6 repetitions, machine lab1
current/run.json  same experiment on machine ci2: point 0 unchanged, point 1
                  drops 20% in h_bytes, point 2 improves h_raw 25%, point 3
                  missing, a new point (8, 4096, simple); points listed in a
                  different order than in the baseline
other_collector.json  current with another collector (refused)
"""
import json
import random

POINTS = [(1, 1024, "complex"), (4, 1024, "complex"), (4, 4096, "complex"),
          (16, 1024, "complex"), (1, 1024, "simple")]
SAMPLES = 256
ESTIMATORS = ["mcv", "collision", "markov", "compression", "t_tuple", "lrs",
              "multi_mcw", "lag", "multi_mmc", "lz78y"]


def assessment(h, bits, n):
    return {"samples": n, "bits_per_symbol": bits, "alphabet_size": 2 ** bits,
            "binary": bits == 1, "h_original": h, "h_bitstring": h / bits,
            "h_assessed": h, "literal": {"mcv": {"h": h, "p": 2 ** -h, "p_global": 2 ** -h, "p_local": 0.0}},
            "bitstring": {"mcv": {"h": h / bits, "p": 2 ** (-h / bits)}}}


def run(host, points, shape, seed, source="linux_ipc", started="2026-11-21T10:00:00Z"):
    rng = random.Random(seed)
    calls = []
    reps = 6
    seq = 0
    for r in range(reps):
        for i, (ports, ool, mode) in enumerate(points):
            hb, hr, bps = shape(ports, ool, mode)
            hb = round(hb + rng.gauss(0, 0.02), 6)
            hr = round(hr + rng.gauss(0, 0.03), 6)
            bytes_per_s = round(bps * (1 + rng.gauss(0, 0.03)), 3)
            calls.append({
                "point": i, "repetition": r, "sequence": seq,
                "raw_file": "raw/p%d-r%d.mbr" % (i, r),
                "started": started, "wall_s": 0.25, "pool_size": ports,
                "timings": 4 * SAMPLES + 64, "bytes": SAMPLES,
                "timeouts": 0, "failures": 0,
                "raw_stats": {"min": 900, "p01": 950, "p50": 1200, "p99": 3000,
                              "max": 9000, "mean": 1300.5, "stddev": 200.25,
                              "mad": 80, "distinct": 700, "quantum": 1},
                "ns_per_op": 1200.0,
                "throughput": {"ops_per_s": 800000.0, "bytes_per_s": bytes_per_s},
                "entropy": {"bytes": assessment(hb, 8, SAMPLES),
                            "raw": assessment(hr, 8, 4 * SAMPLES + 64)},
                "rate": {"bits_per_byte": hb, "bits_per_s": round(hb * bytes_per_s, 3)},
            })
            seq += 1
    return {
        "schema": "mebench-run/1", "status": "complete",
        "mebench": {"version": "0.1.0", "git_commit": "0123456789ab",
                    "compiler": "GNU 12.2.0", "flags": "-O2 -g"},
        "machine": {"hostname": host, "os": "Linux", "kernel": "6.1.0-18-amd64",
                    "arch": "x86_64", "cpu_model": "Synthetic CPU @ 2.0GHz", "cores": 2},
        "clock": {"name": "CLOCK_MONOTONIC_RAW", "tick_num": 1, "tick_den": 1,
                  "read_cost_ns": 21.5, "resolution_ns": 1},
        "source": {"name": source, "platform": "linux",
                   "description": "Linux analog of mach_ipc"},
        "experiment": {"path": "experiments/ci_smoke.json",
                       "sha256": "5" * 64,
                       "content": {"name": "ci_smoke", "samples": SAMPLES},
                       "samples": SAMPLES, "repetitions": reps, "warmup": 1,
                       "order": "interleaved", "seed": 42, "raw_bits": 8,
                       "estimators": ESTIMATORS, "bitstring": True},
        "started": started, "finished": "2026-11-21T10:05:00Z",
        "points": [{"index": i, "num_ports": p, "ool_size": o, "mode": m}
                   for i, (p, o, m) in enumerate(points)],
        "calls": calls,
    }


def base_shape(ports, ool, mode):
    return 6.0 + 0.1 * (ports % 5), 4.0 + 0.05 * ports, 40000.0 + 100 * ports


def current_shape(ports, ool, mode):
    hb, hr, bps = base_shape(ports, ool, mode)
    if (ports, ool, mode) == (4, 1024, "complex"):
        hb *= 0.8
    if (ports, ool, mode) == (4, 4096, "complex"):
        hr *= 1.25
    return hb, hr, bps


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    import os
    os.makedirs("base", exist_ok=True)
    os.makedirs("current", exist_ok=True)
    write("base/run.json", run("lab1", POINTS, base_shape, 1))
    cur_points = [POINTS[4], POINTS[2], POINTS[1], POINTS[0], (8, 4096, "simple")]
    write("current/run.json", run("ci2", cur_points, current_shape, 2,
                                  started="2026-11-21T11:00:00Z"))
    write("other_collector.json", run("lab1", POINTS, base_shape, 3, source="replay"))
