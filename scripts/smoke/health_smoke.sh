#!/usr/bin/env bash
# Every daemon answers /health through the gateway as text/plain `<daemon> ok`.
source "$(dirname "$0")/lib.sh"
for d in gateway storaged catalogd ingestd queryd vectord embedd observerd; do
  req GET "/health/$d"
  expect_status 200 "health of $d"
  expect_eq "$(body)" "$d ok" "health body of $d"
  case "$(header content-type)" in text/plain*) ;; *) fail "health of $d: content-type $(header content-type)" ;; esac
done
ok "eight daemons answer <daemon> ok as text/plain"
req GET /health/nosuchd
expect_status 404 "unknown daemon"
expect_eq "$(json 'v.error.code')" not_found "unknown daemon code"
ok "unknown daemon is 404 not_found"
