#!/usr/bin/env bash
# A dibao application from intake to the granted benefit, then a supervisor's look at it,
# against `./dev start`.
# The README walks through the same steps; tests/e2e/test_serve_demo.py runs this file.
set -euo pipefail
API=${API:-http://127.0.0.1:8000/api/v1}
PASSWORD=${PASSWORD:-jiuzhu-demo-2026}

json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
login() {
    curl -sf "$API/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\": \"$1\", \"password\": \"$PASSWORD\"}" | json 'd["access_token"]'
}
post() {  # post TOKEN PATH BODY: a POST with a fresh idempotency key
    curl -sf "$API$2" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        -H "Idempotency-Key: $(python3 -c 'import uuid; print(uuid.uuid4())')" -d "$3"
}
step() {  # step TOKEN CASE EVENT [EXTRA-JSON]
    post "$1" "/cases/$2/events" "{\"event\": \"$3\"${4:+, $4}}" | json 'd["case"]["state"]'
}

CLERK=$(login clerk); REVIEWER=$(login reviewer); APPROVER=$(login approver); ADMIN=$(login admin)

# 1. The window clerk of 解放路街道 receives the application with every material.
INTAKE=$(post "$CLERK" /applications '{
  "service": "dibao", "resident_id": "370102197506150123", "name": "张三",
  "region": "370102001",
  "materials": ["id_card", "household_register", "commitment", "check_authorization"]}')
CASE=$(echo "$INTAKE" | json 'd["case"]["id"]')
echo "$INTAKE" | json 'd["notice"]["title"], d["case"]["state"], [c["service"] for c in d["linked_cases"]]'

# 2. The township reviewer records the check report, verifies, and posts the notice (公示).
step "$REVIEWER" "$CASE" record_check_report
step "$REVIEWER" "$CASE" verify \
    '"particulars": {"type": "dibao_household", "members": 3, "covered": 2, "monthly_income_fen": 120000}'
step "$REVIEWER" "$CASE" publish_notice

# 3. Seven days of public notice pass (the demo clock; only with --demo, only the admin).
post "$ADMIN" /demo/clock '{"days": 8}' | json 'd["now"]'

# 4. The county approver confirms and grants; the amount was computed at confirmation.
step "$APPROVER" "$CASE" approve
step "$APPROVER" "$CASE" grant
curl -sf "$API/cases/$CASE" -H "Authorization: Bearer $APPROVER" \
    | json 'd["case"]["state"], d["benefit"]["amount_text"]'
curl -sf "$API/cases/$CASE/decision" -H "Authorization: Bearer $APPROVER" | json 'd["title"]'

# 5. The county supervisor: what is due by region, service and officer (R13); a spot
#    check of the decided dibao cases, drawn with a recorded seed, and its audit, which
#    redraws it from that seed (R15); the month's statistics as CSV.
SUPERVISOR=$(login supervisor)
curl -sf "$API/deadlines/counts" -H "Authorization: Bearer $SUPERVISOR" | json '"counts", len(d)'
CHECK=$(post "$SUPERVISOR" /spot-checks '{"region": "370102", "service": "dibao",
  "decided_from": "2020-01-01", "decided_to": "2099-12-31", "size": 1}')
CHECK_ID=$(echo "$CHECK" | json 'd["id"]')
echo "$CHECK" | json '"seed", d["seed"], "sample", d["sample"]'
curl -sf "$API/spot-checks/$CHECK_ID/audit" -H "Authorization: Bearer $SUPERVISOR" \
    | json '"audit", d["sample_reproduced"]'
MONTH=$(curl -sf "$API/cases/$CASE" -H "Authorization: Bearer $SUPERVISOR" | json 'd["timeline"][-1]["at"][:7]')
curl -sf "$API/statistics.csv?first_month=$MONTH&last_month=$MONTH&service=dibao" \
    -H "Authorization: Bearer $SUPERVISOR" | python3 -c 'import sys; print("csv rows", len(sys.stdin.readlines()) - 1)'
