#!/usr/bin/env bash
# queryd through the gateway: a small CSV is ingested, then the issue-5 group-by answers in json,
# ndjson, csv and arrow; an attack (COPY … TO) and two statements in one string are refused with
# 403 statement_not_allowed; an endless query stops at its timeout with 504 query_timeout.
source "$(dirname "$0")/lib.sh"
ds="smoke_candidates_${RUN_ID}"
printf 'id,name,city\n1,Ada,Paris\n2,Bo,Lyon\n3,Cy,Paris\n' >"$SMOKE_TMP/candidates.csv"

req POST "/v1/ingest/$ds?format=csv" --data-binary "@$SMOKE_TMP/candidates.csv" -H 'content-type: text/csv'
expect_status 200 "ingest candidates.csv"
ok "ingested $ds"

q="select city, count(*) as n from $ds group by 1 order by 1"
sql() { printf '{"sql":"%s"%s}' "$1" "${2:-}"; }

req POST /v1/query/sql -H 'content-type: application/json' -d "$(sql "$q")"
expect_status 200 "json query"
expect_eq "$(json 'JSON.stringify(v.rows)')" '[["Lyon",1],["Paris",2]]' "json rows"
expect_eq "$(json 'v.columns.map(c => c.name + ":" + c.type).join()')" "city:VARCHAR,n:BIGINT" "json columns"
ok "json: group-by answers"

# The issue's own command: plain `curl -d`, which labels the JSON as a form.
req POST /v1/query/sql -d "$(sql "$q")"
expect_status 200 "json query sent as curl -d"
expect_eq "$(json 'JSON.stringify(v.rows)')" '[["Lyon",1],["Paris",2]]' "curl -d rows"
ok "curl -d without a content type answers too"

req POST /v1/query/sql -H 'content-type: application/json' -d "$(sql "$q" ',"format":"ndjson"')"
expect_status 200 "ndjson query"
expect_eq "$(body | tr '\n' '|')" '{"city":"Lyon","n":1}|{"city":"Paris","n":2}|' "ndjson body"
ok "ndjson: one object per row"

req POST /v1/query/sql -H 'content-type: application/json' -d "$(sql "$q" ',"format":"csv"')"
expect_status 200 "csv query"
expect_eq "$(body | tr -d '\r' | tr '\n' '|')" 'city,n|Lyon,1|Paris,2|' "csv body"
ok "csv: header and rows"

req POST /v1/query/sql -H 'content-type: application/json' -d "$(sql "$q" ',"format":"arrow"')"
expect_status 200 "arrow query"
expect_eq "$(header content-type)" "application/vnd.apache.arrow.stream" "arrow content type"
expect_eq "$(head -c 4 "$SMOKE_TMP/body" | od -An -tx1 | tr -d ' \n')" "ffffffff" "arrow IPC stream marker"
ok "arrow: an IPC stream"

req POST /v1/query/sql -H 'content-type: application/json' -d "$(sql "copy (select 1) to 'x_${RUN_ID}.csv'")"
expect_status 403 "COPY TO"
expect_eq "$(json 'v.error.code')" statement_not_allowed "COPY TO code"
req POST /v1/query/sql -H 'content-type: application/json' -d "$(sql "select 1; select 2")"
expect_status 403 "two statements"
req POST /v1/query/sql -H 'content-type: application/json' -d "$(sql "select * from read_csv('/etc/passwd')")"
expect_status 400 "read_csv of /etc/passwd"
expect_eq "$(json 'v.error.code')" sql_error "read_csv code"
ok "attacks refused: COPY TO and two statements (403), a host file (400)"

req POST /v1/query/sql -H 'content-type: application/json' \
  -d "$(sql "select count(*) from range(100000000000000) t(x) where x % 7 = 3" ',"timeout_ms":300')"
expect_status 504 "endless query"
expect_eq "$(json 'v.error.code')" query_timeout "timeout code"
ok "an endless query stops at its timeout (504)"
