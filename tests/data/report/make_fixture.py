#!/usr/bin/env python3
# make_fixture.py: writes the hand-made results directory tests/data/report/run/
# (interim, until the runner makes the fixture): 2 num_ports x 2 modes x 3
# repetitions, samples 256, following results/README.md exactly. Seeded.
import json, os, random, struct, sys, zlib

import argparse
ap = argparse.ArgumentParser()
ap.add_argument("out", nargs="?", default=os.path.join(os.path.dirname(__file__) or ".", "run"))
ap.add_argument("--ports", default="2,8")
ap.add_argument("--ool", default="4096")
ap.add_argument("--modes", default="complex,simple")
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--tick", default="1/1", help="tick_num/tick_den ns")
args = ap.parse_args()
out = args.out
tick_num, tick_den = (int(v) for v in args.tick.split("/"))
rng = random.Random(20261121)
os.makedirs(os.path.join(out, "raw"), exist_ok=True)
EST = ["mcv", "collision", "markov", "compression", "t_tuple", "lrs",
       "multi_mcw", "lag", "multi_mmc", "lz78y"]
samples, reps = 256, args.reps
points = []
for mode in args.modes.split(","):
    for ool in (int(v) for v in args.ool.split(",")):
        for ports in (int(v) for v in args.ports.split(",")):
            points.append({"index": len(points), "num_ports": ports, "ool_size": ool, "mode": mode})

def uleb(v):
    b = bytearray()
    while True:
        x = v & 0x7F
        v >>= 7
        b.append(x | (0x80 if v else 0))
        if not v:
            return bytes(b)

def zz(s):
    return (s << 1) ^ (s >> 31) if s >= 0 else ((-s) << 1) - 1

def pct(sorted_v, q):
    return sorted_v[min(len(sorted_v) - 1, int(q * (len(sorted_v) - 1) + 0.5))]

def assessment(n, bits, base, spread):
    lit, bs = {}, {}
    for i, k in enumerate(EST):
        h = round(max(0.05, base + spread * (i % 5) / 4 + rng.uniform(-0.05, 0.05)), 6)
        if bits == 1:
            lit[k] = {"h": h, "p": round(2 ** -h, 6)}
        else:
            lit[k] = {"h": round(min(bits, h * bits / 8 * 1.05), 6), "p": 0.0}
            lit[k]["p"] = round(2 ** -lit[k]["h"], 6)
            bh = round(min(1.0, h / 8 + 0.02), 6)
            bs[k] = {"h": bh, "p": round(2 ** -bh, 6)}
    if bits > 1:
        lit["collision"] = {"skipped": "non-binary data"} if bits != 8 else lit["collision"]
    ho = min(v["h"] for v in lit.values() if "h" in v)
    hb = min(v["h"] for v in bs.values()) if bs else -1
    ha = min(ho, bits * hb) if bs else ho
    return {"samples": n, "bits_per_symbol": bits, "alphabet_size": min(2 ** bits, n),
            "binary": bits == 1, "h_original": ho, "h_bitstring": hb,
            "h_assessed": round(ha, 6), "literal": lit, "bitstring": bs}

calls, rows = [], []
seq = 0
for p in points:
    for r in range(reps):
        k = samples * 4 + 64
        base = 1500 if p["mode"] == "complex" else 420
        base += 40 * p["num_ports"] + (p["ool_size"] // 64 if p["mode"] == "complex" else 0)
        base = max(1, base * tick_den // tick_num)
        t = [max(1, int(rng.gauss(base, base * 0.05))) for _ in range(k)]
        status = [0] * k
        timeouts = 0
        if p["index"] == 1 and r == 2 and len(points) > 1:  # one slow call with timed-out sends
            for i in (500, 501, 502):
                t[i] = 240000 + i
                status[i] = -1
            timeouts = 3
        d = [(t[i + 1] - t[i]) % 2 ** 64 for i in range(k - 1)]
        x = [(d[i] ^ d[i + 1]) & 0xFF for i in range(len(d) - 1)][:samples]
        data = bytes(x)
        hdr = json.dumps({"point": p["index"], "repetition": r, "num_ports": p["num_ports"],
                          "ool_size": p["ool_size"], "mode": p["mode"], "samples": samples,
                          "timings": k, "bytes": len(data), "pool_size": p["num_ports"],
                          "clock": {"name": "CLOCK_MONOTONIC_RAW", "tick_num": tick_num, "tick_den": tick_den}},
                         separators=(",", ":"), sort_keys=True).encode()
        body = bytearray(b"MBRAW001") + struct.pack("<I", len(hdr)) + hdr
        for v in t:
            body += uleb(v)
        i = 0
        while i < k:
            j = i
            while j < k and status[j] == status[i]:
                j += 1
            body += uleb(j - i) + uleb(zz(status[i]))
            i = j
        body += data
        body += struct.pack("<I", zlib.crc32(bytes(body)) & 0xFFFFFFFF)
        name = "raw/p%d-r%d.mbr" % (p["index"], r)
        with open(os.path.join(out, name), "wb") as f:
            f.write(body)
        s = sorted(t)
        med = pct(s, 0.5)
        mean = sum(t) / k
        sd = (sum((v - mean) ** 2 for v in t) / (k - 1)) ** 0.5
        mad = sorted(abs(v - med) for v in t)[k // 2]
        wall = round(k * mean * 1e-9 * 1.3, 6)
        hb_base = 6.2 if p["mode"] == "complex" else 5.1
        if p["index"] == 3 and r < 3:  # repetitions that disagree
            hb_base += [0.0, 1.4, -0.2][r]
        eb = assessment(len(data), 8, hb_base, 1.2)
        er = assessment(k, 4, hb_base, 0.8)
        bps = round(len(data) / wall, 3)
        call = {"point": p["index"], "repetition": r, "sequence": seq, "raw_file": name,
                "started": "2026-11-21T10:15:%02dZ" % seq, "wall_s": wall,
                "pool_size": p["num_ports"], "timings": k, "bytes": len(data),
                "timeouts": timeouts, "failures": 0,
                "raw_stats": {"n": k, "min": s[0], "p01": pct(s, 0.01), "p50": med, "p99": pct(s, 0.99),
                              "max": s[-1], "mean": round(mean, 3), "stddev": round(sd, 3),
                              "mad": mad, "distinct": len(set(t)), "quantum": 1},
                "ns_per_op": med, "throughput": {"ops_per_s": round(k / wall, 3), "bytes_per_s": bps},
                "entropy": {"bytes": eb, "raw": er},
                "rate": {"bits_per_byte": eb["h_assessed"], "bits_per_s": round(eb["h_assessed"] * bps, 3)},
                "durations": {"collect_s": wall, "analyse_s": 0.25, "write_s": 0.001}}
        calls.append(call)
        seq += 1

exp_content = {"name": "fixture", "description": "hand-made fixture for the report tests",
               "samples": samples, "repetitions": reps,
               "sweep": {"num_ports": [int(v) for v in args.ports.split(",")],
                         "ool_size": [int(v) for v in args.ool.split(",")],
                         "mode": args.modes.split(",")}}
run = {"schema": "mebench-run/1", "status": "complete",
       "mebench": {"version": "0.1.0", "git_commit": "0123456789ab", "compiler": "GNU 12.2.0",
                   "flags": "-O2 -g"},
       "machine": {"hostname": "lab1", "os": "Debian GNU/Linux 12", "kernel": "6.1.0-13-amd64",
                   "arch": "x86_64", "cpu_model": "Example CPU @ 3.0GHz", "cores": 2},
       "clock": {"name": "CLOCK_MONOTONIC_RAW", "tick_num": tick_num, "tick_den": tick_den,
                 "read_cost_ns": 19.5, "resolution_ns": tick_num / tick_den},
       "source": {"name": "replay", "platform": "any", "description": "plays back recorded timings"},
       "experiment": {"path": "experiments/fixture.json", "sha256": "ab" * 32, "content": exp_content,
                      "samples": samples, "repetitions": reps, "warmup": 1, "order": "sequential",
                      "seed": 42, "raw_bits": 4, "estimators": EST, "bitstring": True},
       "started": "2026-11-21T10:15:00Z", "finished": "2026-11-21T10:15:12Z",
       "sessions": [{"started": "2026-11-21T10:15:00Z", "finished": "2026-11-21T10:15:12Z",
                     "status": "complete", "calls": len(calls)}],
       "durations": {"total_s": 12.0, "warmup_s": 0.1,
                     "collect_s": round(sum(c["wall_s"] for c in calls), 6),
                     "analyse_s": round(0.25 * len(calls), 6), "write_s": round(0.001 * len(calls), 6)},
       "points": points, "calls": calls}
with open(os.path.join(out, "run.json"), "w") as f:
    json.dump(run, f, indent=2)
    f.write("\n")
cols = ["kind", "point", "repetition", "num_ports", "ool_size", "mode", "h_bytes", "h_bytes_min",
        "h_bytes_max", "h_raw", "h_raw_min", "h_raw_max", "ns_per_op", "ns_per_op_p01",
        "ns_per_op_p99", "ops_per_s", "bytes_per_s", "bits_per_s", "timeouts", "failures", "wall_s"]
with open(os.path.join(out, "summary.csv"), "w") as f:
    f.write(",".join(cols) + "\n")
    for c in calls:
        p = points[c["point"]]
        f.write(",".join(str(v) for v in ["call", c["point"], c["repetition"], p["num_ports"],
                p["ool_size"], p["mode"], c["entropy"]["bytes"]["h_assessed"], "", "",
                c["entropy"]["raw"]["h_assessed"], "", "", c["ns_per_op"], c["raw_stats"]["p01"],
                c["raw_stats"]["p99"], c["throughput"]["ops_per_s"], c["throughput"]["bytes_per_s"],
                c["rate"]["bits_per_s"], c["timeouts"], c["failures"], c["wall_s"]]) + "\n")
    for p in points:
        cs = [c for c in calls if c["point"] == p["index"]]
        def med(v):
            v = sorted(v)
            return v[len(v) // 2]
        hb = [c["entropy"]["bytes"]["h_assessed"] for c in cs]
        hr = [c["entropy"]["raw"]["h_assessed"] for c in cs]
        f.write(",".join(str(v) for v in ["point", p["index"], "", p["num_ports"], p["ool_size"],
                p["mode"], med(hb), min(hb), max(hb), med(hr), min(hr), max(hr),
                med([c["ns_per_op"] for c in cs]), med([c["raw_stats"]["p01"] for c in cs]),
                med([c["raw_stats"]["p99"] for c in cs]),
                med([c["throughput"]["ops_per_s"] for c in cs]),
                med([c["throughput"]["bytes_per_s"] for c in cs]),
                med([c["rate"]["bits_per_s"] for c in cs]), sum(c["timeouts"] for c in cs),
                0, round(sum(c["wall_s"] for c in cs), 6)]) + "\n")
