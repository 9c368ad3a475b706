#!/usr/bin/env bash
# The smoke chain on the embedded defaults: starts a private stack (own ports 3210-3217, own temp
# data folder, no lakehouse.toml or secrets.toml of the working copy), runs the named smokes (all
# of them by default, health first) through its gateway, stops the stack, and exits non-zero if
# any smoke failed. Nothing outside this machine is needed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
base_port=${LH_SMOKE_BASE_PORT:-3210}
work=$(mktemp -d)
: >"$work/empty.toml"
chmod 600 "$work/empty.toml"
export LH_CONFIG="$work/empty.toml" LH_SECRETS="$work/empty.toml" LH_PATHS_DATA_DIR="$work/data" LH_RUN_DIR="$work/run"
i=0
for d in gateway storaged catalogd ingestd queryd vectord embedd observerd; do
  export "LH_PORTS_${d^^}=$((base_port + i))"; i=$((i + 1))
done
export LH_GATEWAY_URL="http://127.0.0.1:$base_port"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(health)
  for f in scripts/smoke/*_smoke.sh; do n=$(basename "$f" _smoke.sh); [ "$n" = health ] || [ "$n" = iceberg ] || [ "$n" = metrics ] || names+=("$n"); done
  # Last: it reads every table the other smokes left (issue 16: all the smoke data, every version).
  [ -f scripts/smoke/iceberg_smoke.sh ] && names+=(iceberg)
  # After everything: it checks that the chain moved every daemon's own figures (ADR-019).
  [ -f scripts/smoke/metrics_smoke.sh ] && names+=(metrics)
fi

cleanup() { scripts/stack.sh down >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
scripts/stack.sh up || { echo "smoke: the stack did not start" >&2; exit 1; }

failed=()
for n in "${names[@]}"; do
  script="scripts/smoke/${n}_smoke.sh"
  if [ ! -f "$script" ]; then echo "smoke: no such smoke: $n" >&2; failed+=("$n"); continue; fi
  if SMOKE_NAME=$n bash "$script"; then :; else failed+=("$n"); fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "smoke: FAILED: ${failed[*]} (daemon logs in the private run folder were:)" >&2
  for log in "$work"/run/logs/*.log; do echo "--- $log" >&2; grep -E '"level":(40|50|60)' "$log" | tail -n 5 >&2 || true; done
  exit 1
fi
echo "smoke: all passed (${names[*]})"
