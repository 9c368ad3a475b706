#!/usr/bin/env bash
# Compaction through the gateway (ADR-022): three small CSV appends, then POST …/compact rewrites
# them into one file as a `compact` version; the group-by answers the same before and after, and the
# version before the compaction still reads with its three files.
source "$(dirname "$0")/lib.sh"
ds="smoke_compact_${RUN_ID}"
for n in 1 2 3; do
  printf 'id,city,amount\n%s1,Paris,1.5\n%s2,Lyon,2\n%s3,Paris,4\n' "$n" "$n" "$n" >"$SMOKE_TMP/part$n.csv"
  req POST "/v1/ingest/$ds?format=csv" --data-binary "@$SMOKE_TMP/part$n.csv" -H 'content-type: text/csv'
  expect_status 200 "append part$n.csv"
done
ok "three appends to $ds"

q="{\"sql\":\"select city, count(*) as n, sum(amount) as total from $ds group by 1 order by 1\"}"
req POST /v1/query/sql -H 'content-type: application/json' -d "$q"
expect_status 200 "group-by before"
before=$(json 'JSON.stringify(v.rows)')
expect_eq "$before" '[["Lyon",3,6],["Paris",6,16.5]]' "rows before"

req POST "/v1/catalog/datasets/$ds/compact" -H 'content-type: application/json' -d '{}'
expect_status 200 "compact"
expect_eq "$(json '[v.compacted, v.files_removed, v.files_added, v.manifest.operation, v.manifest.files.length].join()')" \
  "true,3,1,compact,1" "compact answer"
version=$(json 'v.manifest.version')
ok "compacted 3 files into 1 (version $version)"

req POST /v1/query/sql -H 'content-type: application/json' -d "$q"
expect_status 200 "group-by after"
expect_eq "$(json 'JSON.stringify(v.rows)')" "$before" "rows after"
ok "the group-by answers the same"

req GET "/v1/catalog/datasets/$ds?version=$((version - 1))"
expect_status 200 "the version before"
expect_eq "$(json '[v.operation, v.files.length, v.row_count].join()')" "append,3,9" "the version before"
ok "time travel: version $((version - 1)) still lists its 3 files"

req POST "/v1/catalog/datasets/$ds/compact" -H 'content-type: application/json' -d '{}'
expect_status 200 "compact again"
expect_eq "$(json '[v.compacted, v.manifest.version].join()')" "false,$version" "nothing left to compact"
req POST "/v1/catalog/datasets/nope_${RUN_ID}/compact" -H 'content-type: application/json' -d '{}'
expect_status 404 "compact of an unknown dataset"
ok "a second pass has nothing to do; an unknown dataset is 404"
