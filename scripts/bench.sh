#!/usr/bin/env bash
# Runs the benchmarks (all, or those named), each against its raw engine in the same run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then for f in bench/*/run.ts; do names+=("$(basename "$(dirname "$f")")"); done; fi
mkdir -p bench/results
for n in "${names[@]}"; do
  echo "=== bench $n ==="
  node "bench/$n/run.ts"
done
