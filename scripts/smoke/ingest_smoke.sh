#!/usr/bin/env bash
# ingestd through the gateway: a fixture CSV becomes version 1, NDJSON appends version 2 (new
# column, widened type), the catalog lists both versions, version 1 still reads as it was, and a
# file that does not parse is refused with parse_error and commits nothing.
source "$(dirname "$0")/lib.sh"
FIX="$(cd "$(dirname "$0")/../../tests/fixtures/ingest" && pwd)"
ds="smoke_people_${RUN_ID}"

req POST "/v1/ingest/$ds?format=csv" --data-binary "@$FIX/people.csv" -H 'content-type: text/csv'
expect_status 200 "ingest people.csv"
expect_eq "$(json 'v.version')" 1 "first version"
expect_eq "$(json 'v.rows_ingested')" 3 "rows of people.csv"
expect_eq "$(json 'v.schema.map(c => c.name).join()')" "id,name,city,rate" "schema of people.csv"
ok "CSV ingested as version 1 with its schema"

req POST "/v1/ingest/$ds" --data-binary "@$FIX/people-append.ndjson" -H 'content-type: application/x-ndjson' \
  -H "idempotency-key: smoke-$RUN_ID"
expect_status 200 "append people-append.ndjson"
expect_eq "$(json 'v.version')" 2 "appended version"
expect_eq "$(json 'v.schema.map(c => c.name + ":" + c.type).join()')" \
  "id:BIGINT,name:VARCHAR,city:VARCHAR,rate:DOUBLE,team:VARCHAR" "reconciled schema"
req POST "/v1/ingest/$ds" --data-binary "@$FIX/people-append.ndjson" -H 'content-type: application/x-ndjson' \
  -H "idempotency-key: smoke-$RUN_ID"
expect_status 200 "retried append"
expect_eq "$(json 'v.version')" 2 "a retry with the same Idempotency-Key"
ok "NDJSON appended as version 2 (new column, widened type); its retry ingested nothing"

req GET "/v1/catalog/datasets/$ds/versions"
expect_status 200 "versions"
expect_eq "$(json 'v.versions.map(x => x.version).join()')" "1,2" "version list"
req GET "/v1/catalog/datasets/$ds?version=1"
expect_status 200 "old version"
expect_eq "$(json 'v.row_count')" 3 "rows of version 1"
expect_eq "$(json 'v.files.length')" 1 "files of version 1"
ok "catalog lists versions 1 and 2; version 1 still reads 3 rows"

req POST "/v1/ingest/$ds?format=csv" --data-binary "@$FIX/garbage.bin"
expect_status 400 "garbage as CSV"
expect_eq "$(json 'v.error.code')" parse_error "garbage code"
req POST "/v1/ingest/$ds?format=csv" --data-binary "@$FIX/ragged.csv"
expect_status 400 "ragged CSV"
case "$(json 'v.error.message')" in *"line 3"*) ;; *) fail "ragged CSV: no line in $(body)" ;; esac
req GET "/v1/catalog/datasets/$ds"
expect_eq "$(json 'v.version')" 2 "version after refused files"
ok "a bad file is refused with parse_error (naming the line) and commits nothing"
