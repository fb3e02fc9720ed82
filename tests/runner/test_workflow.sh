#!/bin/sh
# test_workflow.sh: .github/workflows/study.yml is valid YAML with what the
# README promises: started by hand with the inputs experiment and shards, a
# matrix of macOS and Linux runners x shard index that runs `mebench run
# --shard` and uploads each shard, and a final job that downloads every shard,
# merges them with `mebench merge` and uploads the study with its report.
# Skipped (77) without python3 and its yaml module (Debian: python3-yaml).
# Usage: test_workflow.sh SOURCE_DIR
set -eu
src=${1:?usage: test_workflow.sh SOURCE_DIR}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3's yaml module is not installed (python3-yaml)"; exit 77; }
exec python3 - "$src/.github/workflows/study.yml" "$src/.github/workflows/macos.yml" <<'PY'
import sys, yaml

failed = 0
def check(cond, what):
    global failed
    print(("ok   " if cond else "FAIL ") + what)
    failed += 0 if cond else 1

for path in sys.argv[1:]:
    with open(path) as f:
        check(isinstance(yaml.safe_load(f), dict), path + " is valid YAML")

with open(sys.argv[1]) as f:
    wf = yaml.safe_load(f)
# YAML 1.1 reads the key `on` as true.
on = wf.get("on", wf.get(True)) or {}
inputs = (on.get("workflow_dispatch") or {}).get("inputs") or {}
check("experiment" in inputs and "shards" in inputs,
      "workflow_dispatch with the inputs experiment and shards")
jobs = wf.get("jobs") or {}
steps = lambda job: job.get("steps") or []
runs = lambda job: " ".join(str(s.get("run", "")) for s in steps(job))
uses = lambda job: [str(s.get("uses", "")) for s in steps(job)]

shard = [j for j in jobs.values() if "--shard" in runs(j) and "mebench run" in runs(j)]
check(len(shard) == 1, "one job runs `mebench run --shard`")
if shard:
    matrix = (shard[0].get("strategy") or {}).get("matrix") or {}
    oses = " ".join(map(str, matrix.get("os") or []))
    check("macos" in oses and "ubuntu" in oses, "its matrix has macOS and Linux runners")
    check("index" in matrix, "its matrix has a shard index")
    check(any(u.startswith("actions/upload-artifact") for u in uses(shard[0])),
          "it uploads its shard (actions/upload-artifact)")
merge = [n for n, j in jobs.items() if "mebench merge" in runs(j)]
check(len(merge) == 1, "one job runs `mebench merge`")
if merge:
    job = jobs[merge[0]]
    needs = job.get("needs")
    needs = [needs] if isinstance(needs, str) else (needs or [])
    shard_names = [n for n, j in jobs.items() if shard and j is shard[0]]
    check(bool(shard_names) and shard_names[0] in needs, "the merge job needs the shard job")
    check(any(u.startswith("actions/download-artifact") for u in uses(job)),
          "it downloads the shards (actions/download-artifact)")
    check("mebench report" in runs(job) and "scripts/plot" in runs(job),
          "it writes the report and the figures")
    check(any(u.startswith("actions/upload-artifact") for u in uses(job)),
          "it uploads the study")
sys.exit(1 if failed else 0)
PY
