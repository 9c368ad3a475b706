#!/usr/bin/env bash
# embedd through the gateway on the built-in hashing model (no external service): a 768-dim unit
# vector, the same vector twice, the model list, and the limits (400 / 413 / unknown_model).
source "$(dirname "$0")/lib.sh"

text="senior python engineer $RUN_ID"
# Exactly the issue's acceptance command: curl -d, no content-type of its own.
req POST /v1/embed -d "{\"texts\":[\"$text\"]}"
expect_status 200 "embed one text"
expect_eq "$(json 'v.model + " " + v.dim + " " + v.vectors.length + " " + v.vectors[0].length')" "hashing-768 768 1 768" "model, dim, shape"
expect_eq "$(json 'Math.abs(Math.hypot(...v.vectors[0]) - 1) < 1e-5')" true "unit length"
first=$(json 'v.vectors[0]')
ok "one text is a 768-dim unit vector from hashing-768"

req POST /v1/embed -H 'content-type: application/json' -d "{\"texts\":[\"$text\",\"forklift operator $RUN_ID\"],\"kind\":\"query\"}"
expect_status 200 "embed two texts"
expect_eq "$(json 'v.vectors[0]')" "$first" "same text, same vector"
ok "the same text gives the same vector"

req GET /v1/embed/models
expect_status 200 "models"
expect_eq "$(json 'v.default_model + " " + v.models.some((m) => m.name === "hashing-768" && m.dim === 768)')" "hashing-768 true" "model list"
ok "GET /v1/embed/models lists the default"

req POST /v1/embed -H 'content-type: application/json' -d '{"texts":["a"],"normalize":true}'
expect_status 400 "unknown field"
expect_eq "$(json 'v.error.code')" invalid_request "unknown field code"
req POST /v1/embed -H 'content-type: application/json' -d '{"texts":[]}'
expect_status 400 "no texts"
req POST /v1/embed -H 'content-type: application/json' -d '{"texts":["a"],"model":"no-such-model"}'
expect_status 400 "unknown model"
expect_eq "$(json 'v.error.code')" unknown_model "unknown model code"
ok "unknown field, no texts and an unknown model are 400"

node -e 'process.stdout.write(JSON.stringify({texts: ["x".repeat(32 * 1024 + 1)]}))' >"$SMOKE_TMP/big.json"
req POST /v1/embed -H 'content-type: application/json' --data-binary "@$SMOKE_TMP/big.json"
expect_status 413 "text over 32 KiB"
expect_eq "$(json 'v.error.code')" payload_too_large "text over 32 KiB code"
ok "a text over 32 KiB is 413"

# 64 texts of 32 KiB (2 MiB): above the default JSON body cap, within the embed route's own.
# `Expect:` stops curl sending Expect: 100-continue, which the gateway's proxy (undici) refuses.
node -e 'const t = "lorem ipsum ".repeat(2731).slice(0, 32 * 1024); process.stdout.write(JSON.stringify({texts: Array.from({length: 64}, (_, i) => i + t.slice(String(i).length))}))' >"$SMOKE_TMP/many.json"
req POST /v1/embed -H 'content-type: application/json' -H 'Expect:' --data-binary "@$SMOKE_TMP/many.json"
expect_status 200 "64 texts of 32 KiB"
expect_eq "$(json 'v.vectors.length')" 64 "64 vectors"
ok "64 texts of 32 KiB through the gateway"
