#!/usr/bin/env bash
# Last in the chain (ADR-019): every daemon's own /metrics, scraped from this box over loopback
# with no token, shows the figures the earlier smokes moved; the gateway serves its own.
source "$(dirname "$0")/lib.sh"
port_of() { local var="LH_PORTS_${1^^}"; echo "${!var:-$2}"; }
# value DAEMON DEFAULT_PORT METRIC: the sum of every sample of METRIC in the daemon's /metrics.
value() {
  local url="http://127.0.0.1:$(port_of "$1" "$2")/metrics"
  curl -sS -f "$url" -o "$SMOKE_TMP/metrics" || fail "GET $url from loopback without a token"
  node -e 'const [name]=process.argv.slice(1);let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let n=0;for(const l of s.split("\n")){if(l.startsWith("#"))continue;const e=l.search(/[{ ]/);if(l.slice(0,e)===name)n+=Number(l.slice(l.lastIndexOf(" ")+1))}process.stdout.write(String(n))})' "$3" <"$SMOKE_TMP/metrics"
}
moved() { # DAEMON PORT METRIC
  local v; v=$(value "$@")
  node -e 'process.exit(Number(process.argv[1]) > 0 ? 0 : 1)' "$v" || fail "$1: $3 is $v after the smokes"
  printf '%s %s=%s; ' "$1" "$3" "$v"
}
# The pathway smoke restarts observerd (kill -9), and a new process counts from zero: one review
# here, through the gateway, is what observerd's figures must show.
req POST /v1/observer/reviews -H 'content-type: application/json' \
  -d '{"claim":"one is one","check":{"sql":"SELECT 1 AS n","expect":{"op":"eq","value":1}}}'
expect_status 201 "review before the scrape"
line=$(
  moved storaged 3111 storage_bytes_in_total
  moved storaged 3111 storage_bytes_out_total
  moved catalogd 3112 catalog_commits_total
  moved ingestd 3113 ingest_rows_total
  moved queryd 3114 query_duration_seconds_count
  moved queryd 3114 query_parquet_cache_lookups_total
  moved vectord 3115 vector_index_vectors
  moved embedd 3116 embed_cache_misses_total
  moved observerd 3117 observer_reviews_total
  moved gateway 3110 http_requests_total
)
ok "$line"
