#!/usr/bin/env bash
# The Iceberg REST catalog through the gateway: a dataset created and appended to is a table of the
# namespace lakehouse with one snapshot per version; a write through the API is refused (406); and
# icebird, an independent reader, reads every table of the catalog (the other smokes' too when they
# ran first) with exactly the rows queryd answers, and each older snapshot with its version's count.
source "$(dirname "$0")/lib.sh"
ds="smoke_iceberg_${RUN_ID}"
printf 'id,name,amount,day\n1,Ada,1.5,2024-01-02\n2,Bo,2.25,2024-02-03\n' >"$SMOKE_TMP/a.csv"
printf 'id,name,amount,day\n3,Cy,3.5,2024-03-04\n' >"$SMOKE_TMP/b.csv"
req POST "/v1/ingest/$ds?format=csv&mode=create" --data-binary "@$SMOKE_TMP/a.csv"
expect_status 200 "ingest a.csv"
req POST "/v1/ingest/$ds?format=csv" --data-binary "@$SMOKE_TMP/b.csv"
expect_status 200 "append b.csv"

req GET /v1/iceberg/v1/config
expect_status 200 "config"
req GET /v1/iceberg/v1/namespaces
expect_eq "$(json 'JSON.stringify(v.namespaces)')" '[["lakehouse"]]' "namespaces"
req GET /v1/iceberg/v1/namespaces/lakehouse/tables
expect_eq "$(json "v.identifiers.some(t => t.name === '$ds')")" true "$ds listed"
req GET "/v1/iceberg/v1/namespaces/lakehouse/tables/$ds"
expect_status 200 "load table"
expect_eq "$(json 'v.metadata["current-snapshot-id"] + ":" + v.metadata.snapshots.map(s => s.summary.operation).join()')" \
  "2:append,append" "snapshots"
ok "$ds is an Iceberg table with one snapshot per version"

req POST "/v1/iceberg/v1/namespaces/lakehouse/tables/$ds" -H 'content-type: application/json' -d '{}'
expect_status 406 "commit through the Iceberg API"
expect_eq "$(json 'v.error.type + ": " + v.error.message')" \
  "UnsupportedOperationException: not supported: write through /v1/ingest" "refusal"
ok "writes through the Iceberg API are refused in the spec's shape"

node scripts/smoke/iceberg-check.ts || fail "icebird did not read what queryd answers"
ok "icebird reads every table's rows as queryd answers them, and every snapshot's count"
