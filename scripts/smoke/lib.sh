# Shared helpers for the curl smokes. Source it; it sets GW (gateway URL), AUTH (curl args for the
# bearer token, if LH_SMOKE_TOKEN is set) and a scratch folder, and gives small assertion helpers.
# Every smoke runs against a live stack: `just smoke <name>` or the chain in `just smoke-fixtures`.
set -euo pipefail
GW=${LH_GATEWAY_URL:-http://127.0.0.1:3110}
AUTH=()
if [ -n "${LH_SMOKE_TOKEN:-}" ]; then AUTH=(-H "authorization: Bearer $LH_SMOKE_TOKEN"); fi
SMOKE_TMP=$(mktemp -d)
trap 'rm -rf "$SMOKE_TMP"' EXIT
SMOKE_NAME=${SMOKE_NAME:-$(basename "$0" .sh)}
# A run id keeps names unique, so a smoke can run twice against the same stack.
RUN_ID=${LH_SMOKE_RUN_ID:-$(date +%s)$RANDOM}

fail() { printf 'FAIL %s: %s\n' "$SMOKE_NAME" "$*" >&2; exit 1; }
ok() { printf 'ok   %s: %s\n' "$SMOKE_NAME" "$*"; }

# req METHOD PATH [curl args...]: body to $SMOKE_TMP/body, status to $STATUS, headers to $SMOKE_TMP/headers.
req() {
  local method=$1 path=$2; shift 2
  STATUS=$(curl -sS -o "$SMOKE_TMP/body" -D "$SMOKE_TMP/headers" -w '%{http_code}' -X "$method" "${AUTH[@]}" "$@" "$GW$path") \
    || fail "$method $path: curl failed"
}
body() { cat "$SMOKE_TMP/body"; }
header() { grep -i "^$1:" "$SMOKE_TMP/headers" | head -n1 | cut -d' ' -f2- | tr -d '\r'; }
expect_status() { [ "$STATUS" = "$1" ] || fail "$2: expected HTTP $1, got $STATUS: $(head -c 400 "$SMOKE_TMP/body")"; }
# jq_body FILTER: evaluates a jq-like path with node (no jq on a fresh machine).
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);const r=new Function("v","return ("+process.argv[1]+")")(v);process.stdout.write(typeof r==="string"?r:JSON.stringify(r))})' "$1" <"$SMOKE_TMP/body"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected [$2], got [$1]"; }
