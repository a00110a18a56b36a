#!/bin/sh
# Golden tests of the `doithoai` command line (ctest: cli_golden).
#   sh tests/cli/run.sh PATH/TO/doithoai            compare
#   UPDATE_GOLDEN=1 sh tests/cli/run.sh PATH/TO/doithoai   rewrite tests/cli/golden/*.out
# Each case runs the program in a fresh temporary directory (so paths in the output are
# relative), compares its stdout byte for byte with golden/NAME.out and its exit code with
# the expected one; a failing case must also print exactly one line on stderr.
set -u
CLI=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
GOLDEN=$HERE/golden
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
unset DOITHOAI_TODAY
failures=0
cases=0

fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# check NAME EXIT [args...]: stdout compared with golden/NAME.out
check() {
  name=$1 want=$2
  shift 2
  cases=$((cases + 1))
  "$CLI" "$@" >"$name.out" 2>"$name.err" </dev/null
  got=$?
  [ "$got" -eq "$want" ] || fail "$name" "exit $got, expected $want; stderr: $(cat "$name.err")"
  if [ "$want" -ne 0 ] && [ "$(wc -l <"$name.err")" -ne 1 ]; then
    fail "$name" "expected one line on stderr, got: $(cat "$name.err")"
  fi
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$name.out" "$GOLDEN/$name.out"
  elif ! cmp -s "$name.out" "$GOLDEN/$name.out"; then
    fail "$name" "stdout differs from golden/$name.out:"
    diff "$GOLDEN/$name.out" "$name.out" | head -20
  fi
}
# check_input NAME EXIT INPUT-FILE [args...]: the same with stdin from a file
check_input() {
  name=$1 want=$2 input=$3
  shift 3
  cases=$((cases + 1))
  "$CLI" "$@" >"$name.out" 2>"$name.err" <"$input"
  got=$?
  [ "$got" -eq "$want" ] || fail "$name" "exit $got, expected $want; stderr: $(cat "$name.err")"
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$name.out" "$GOLDEN/$name.out"
  elif ! cmp -s "$name.out" "$GOLDEN/$name.out"; then
    fail "$name" "stdout differs from golden/$name.out:"
    diff "$GOLDEN/$name.out" "$name.out" | head -20
  fi
}
mkdir -p "$GOLDEN"

# ---- help and usage (exit 2) ----
check help 0 --help
check help_report 0 report --help
check help_calendar_deadline 0 calendar deadline --help
check usage_none 2
check usage_unknown_command 2 frobnicate
check usage_unknown_option 2 report bode.db --period 2022 --colour
check usage_missing_period 2 report bode.db
check usage_format 2 verify bode.db --format xml

# ---- the Bồ Đề conference through exec ----
check init 0 init bode.db --profile hanoi-2200
check init_again 0 init bode.db --profile hanoi-2200
check init_other_profile 7 init bode.db --profile vn-2025
check exec_bode 0 exec bode.db "$HERE/bode.jsonl" --today 2022-08-15
# Run again: every request carries its idempotency key, so each replays and appends nothing.
check exec_bode_again 0 exec bode.db "$HERE/bode.jsonl" --today 2022-08-15
check report_text 0 report bode.db --unit HN-LB-BD --period 2022
check report_q3_text 0 report bode.db --unit 3 --period 2022-Q3 --as-of 2022-10-31
check report_json 0 report bode.db --unit HN-LB-BD --period 2022 --format json
check report_csv 0 report bode.db --unit HN-LB-BD --period 2022-Q4 --format csv
check report_html 0 report bode.db --unit HN-LB-BD --period 2022 --format html --lang en
# Issue 14 on a copy: a name-withheld letter and an anonymous mailbox note, replies (one with
# evidence) and the three ratings; the reports then show non-zero satisfaction and evidence.
cp bode.db sat.db
check exec_satisfaction 0 exec sat.db "$HERE/satisfaction.jsonl" --today 2022-12-21
check report_satisfaction_text 0 report sat.db --unit HN-LB-BD --period 2022
check report_satisfaction_json 0 report sat.db --unit HN-LB-BD --period 2022-Q4 --format json
check report_satisfaction_csv 0 report sat.db --unit HN-LB-BD --period 2022-Q4 --format csv
check overdue 0 overdue bode.db --as-of 2022-11-01
check overdue_json 0 overdue bode.db --as-of 2022-10-31 --format json
check history 0 history bode.db 22
# tracking codes (issue 14): the public status by code, either case; malformed 5, unknown 3
check track 0 track bode.db HN-LB-BD-2022-000001
check track_json 0 track bode.db hn-lb-bd-2022-000001 --format json --as-of 2022-10-01
check track_malformed 5 track bode.db HN-LB-BD-22-1
check track_unknown 3 track bode.db HN-LB-BD-2022-999999
# Reply templates (docs/templates.md): listed, rendered from the state; records nothing.
check template_list 0 template bode.db
check template_reply 0 template bode.db tra_loi --item 22 --values '{"signer": "KT. CHỦ TỊCH\nNguyễn Văn Luyện", "number": "125/UBND-ĐC", "date": "20/10/2022", "answer": "Đã thay bóng đèn ngày 15/10/2022."}'
check template_json 0 template bode.db tu_choi --item 22 --format json --values '{"signer": "Chủ tịch", "number": "7/TB", "date": "01/10/2022", "reason": "Đã có bản án"}'
check template_missing_value 5 template bode.db tra_loi --item 22
check template_unknown_key 3 template bode.db khong_co --item 22
check verify 0 verify bode.db
check export_csv 0 export bode.db csv --internal
check export_open311 0 export bode.db open311 --internal --unit HN-LB-BD
check export_ical 0 export bode.db ical --agency BD-TTDT --internal --as-of 2022-10-15
check export_jsonl 0 export bode.db jsonl --output log.jsonl
check init_copy 0 init copy.db --profile hanoi-2200
check import_jsonl 0 import copy.db log.jsonl
check verify_copy 0 verify copy.db
# The store remembers its profile; --profile overrides it with a warning.
check overdue_other_profile 0 overdue bode.db --as-of 2022-11-01 --profile vn-2025
grep -q "warning: --profile vn-2025 differs" overdue_other_profile.err || fail overdue_other_profile "no warning"

# ---- calendar ----
check calendar_deadline 0 calendar deadline 2022-09-30 30 --explain
check calendar_deadline_working 0 calendar deadline 2023-01-16 15w --format json
check calendar_day 0 calendar day 2023-01-23
check calendar_bad_span 5 calendar deadline 2022-09-30 thirty

# ---- CSV import ----
printf 'topic,text,raised_by,raised_on\r\nland,"Cấp giấy chứng nhận, tổ 4",14,2022-12-21\r\nsecurity,Camera ngõ 12,15,2022-12-21\r\n' >ok.csv
check import_csv 0 import bode.db ok.csv --actor 3 --unit HN-LB-BD --key-prefix ok.csv: --today 2022-12-22
check import_csv_again 0 import bode.db ok.csv --actor 3 --unit HN-LB-BD --key-prefix ok.csv: --today 2022-12-22
printf 'topic,text,colour\nland,x,red\n' >bad.csv
check import_csv_bad_column 5 import bode.db bad.csv --unit 3

# ---- exec: one failing input for each exit code ----
printf '{"actor": 3, "command": {"type": "assign", "item": 9999, "agency": 1}}\n' >not_found.jsonl
check exec_not_found 3 exec bode.db not_found.jsonl
printf '{"actor": 14, "command": {"type": "plan_conference", "unit": 3, "kind": "periodic", "audience": "all_residents", "planned_on": "2023-01-10"}}\n' >permission.jsonl
check exec_permission 4 exec bode.db permission.jsonl --today 2022-12-22
printf '{"actor": 3, "command": {"type": "assign", "item": 1,\n' >invalid.jsonl
check exec_invalid 5 exec bode.db invalid.jsonl
printf '{"actor": 3, "command": {"type": "close_conference", "conference": 1}}\n' >transition.jsonl
check exec_transition 6 exec bode.db transition.jsonl --today 2022-12-22
printf '{"actor": "system", "idempotency_key": "bode-2022/1", "command": {"type": "create_unit", "name": "Khác", "level": "tinh"}}\n' >conflict.jsonl
check exec_conflict 7 exec bode.db conflict.jsonl
# --keep-going: every line runs; the exit code is that of the first failure. From stdin.
printf '{"actor": "system", "command": {"type": "register_person", "name": "Trần Văn A"}}\n{"bad json\n\n# a comment\n{"actor": 3, "command": {"type": "assign", "item": 9999, "agency": 1}}\n{"actor": "system", "command": {"type": "register_person", "name": "Lê Thị B"}}\n' >mixed.jsonl
check_input exec_keep_going 5 mixed.jsonl exec bode.db --keep-going --today 2022-12-22
check_input exec_stop 5 mixed.jsonl exec bode.db - --today 2022-12-22
printf '{"clock": "2022-12-23"}\n' >clock.jsonl
check exec_clock_needs_today 5 exec bode.db clock.jsonl

# ---- store-level failures ----
check not_found_store 3 report missing.db --period 2022
check not_found_profile 3 init new.db --profile hanoi-1999
echo "not a database, just text" >text.db
check storage_not_sqlite 8 report text.db --period 2022
cp bode.db tampered.db
sqlite3 tampered.db "UPDATE events SET payload = replace(payload, 'ngõ 58', 'ngõ 85') WHERE seq = (SELECT min(seq) FROM events WHERE payload LIKE '%ngõ 58%')" || fail tamper "sqlite3"
check verify_corruption 9 verify tampered.db
check open_corruption 9 report tampered.db --period 2022
cp bode.db future.db
sqlite3 future.db "UPDATE doithoai_meta SET value = '99' WHERE key = 'schema_version'" || fail future "sqlite3"
check unsupported_schema 10 report future.db --period 2022
# A profile given as a file is kept whole in the store.
check init_profile_file 0 init file.db --profile "$SRC/profiles/vn-2025.json"
printf '{"actor": "system", "command": {"type": "create_unit", "name": "Tỉnh Bắc Ninh", "level": "tinh", "code": "BN"}}\n' >unit.jsonl
check exec_profile_file 0 exec file.db unit.jsonl --today 2025-08-01

# ---- signed checkpoints: a deleted tail passes the chain check, not the checkpoints ----
printf '{"key_id": "mttq-bode", "alg": "hmac_sha256", "secret": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}\n' >key.json
check checkpoint 0 checkpoint copy.db --key-file key.json --today 2022-12-31
cp checkpoint.out copy.checkpoints
check verify_checkpoints 0 verify copy.db --checkpoints copy.checkpoints --key-file key.json
sqlite3 copy.db "DELETE FROM replay WHERE seq > 300; DELETE FROM events WHERE seq > 300" || fail truncate "sqlite3"
check verify_truncated_chain_only 0 verify copy.db
check verify_truncated 9 verify copy.db --checkpoints copy.checkpoints --key-file key.json
printf '{"key_id": "mttq-bode", "alg": "rot13"}\n' >badkey.json
check checkpoint_bad_key 5 checkpoint bode.db --key-file badkey.json

echo "cli_golden: $cases cases, $failures failures"
[ "$failures" -eq 0 ]
