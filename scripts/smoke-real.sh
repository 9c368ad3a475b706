#!/usr/bin/env bash
# `just smoke-real`: the smoke chain against the production profile as configured (MinIO or AWS S3
# storage, Ollama embeddings), on a private stack: its own ports (LH_SMOKE_BASE_PORT, default
# 3310), its own data folder, and its own bucket (<storage.s3.bucket>-smoke, created by storaged;
# LH_SMOKE_S3_BUCKET to choose), so production objects are never touched. It reads lakehouse.toml /
# secrets.toml (LH_CONFIG / LH_SECRETS; `--env-file FILE` for a systemd install), prints which
# settings it read, and skips with a one-line reason (exit 0) when a configured service does not answer.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${1:-}" = "--env-file" ]; then
  set -a; source "${2:?--env-file needs a file}"; set +a
  cd /var/lib/lakehouse 2>/dev/null || true
fi
plan=$(node "$root/scripts/smoke-real/plan.ts") || { echo "smoke-real: could not read the configuration" >&2; exit 1; }
printf 'smoke-real: read %s\n' "$(sed -n 's/^read //p' <<<"$plan")"
verdict=$(grep -v '^read ' <<<"$plan")
case $verdict in
  skip*) echo "smoke-real: skipped: ${verdict#skip }"; exit 0 ;;
  fail*) echo "smoke-real: FAILED: ${verdict#fail }" >&2; exit 1 ;;
esac
config_file=$(realpath -m "${LH_CONFIG:-lakehouse.toml}")
secrets_file=$(realpath -m "${LH_SECRETS:-secrets.toml}")
bucket=$(node "$root/scripts/print-config.ts" storage.s3.bucket)
cd "$root"

base_port=${LH_SMOKE_BASE_PORT:-3310}
work=$(mktemp -d)
export LH_CONFIG=$config_file LH_RUN_DIR="$work/run" LH_PATHS_DATA_DIR="$work/data"
[ -f "$secrets_file" ] && export LH_SECRETS=$secrets_file
export LH_STORAGE_S3_BUCKET=${LH_SMOKE_S3_BUCKET:-$bucket-smoke}
i=0
for d in gateway storaged catalogd ingestd queryd vectord embedd observerd; do
  export "LH_PORTS_${d^^}=$((base_port + i))"; i=$((i + 1))
done
export LH_GATEWAY_URL="http://127.0.0.1:$base_port"
cleanup() { scripts/stack.sh down >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
scripts/stack.sh up || { echo "smoke-real: the stack did not start on the production profile" >&2; exit 1; }

# The embed smoke pins the built-in hashing model; the production model is probed by
# smoke-replication's embed probe (the default model) instead.
failed=()
for f in scripts/smoke/*_smoke.sh; do
  n=$(basename "$f" _smoke.sh)
  [ "$n" = embed ] && continue
  SMOKE_NAME=$n bash "$f" || failed+=("$n")
done
node scripts/smoke-replication.ts || failed+=(replication)
if [ ${#failed[@]} -gt 0 ]; then echo "smoke-real: FAILED: ${failed[*]}" >&2; exit 1; fi
echo "smoke-real: all passed against the production profile (bucket $LH_STORAGE_S3_BUCKET)"
