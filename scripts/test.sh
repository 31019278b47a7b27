#!/usr/bin/env bash
# Runs every test of PartnerWeb on a fresh machine and ends with the line "N passed, N failed".
# Installs what the tests need first (tools from Debian when missing, NuGet packages).
set -uo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/ensure-tools.sh
ensure_tools with-browser || { echo "0 passed, 1 failed"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=$(mktemp -d)
trap 'stop_postgres 2>/dev/null; rm -rf "$results"' EXIT

dotnet restore PartnerWeb.sln || { echo "0 passed, 1 failed"; exit 1; }
dotnet build PartnerWeb.sln --no-restore -c Release || { echo "0 passed, 1 failed"; exit 1; }

# xunit counts from one trx file; tests that did not run (a crashed host, an abort) count as failed, never as passed.
count_trx() {
  local trx=$1 counters p f total executed
  if [[ ! -f $trx ]]; then
    failed=$((failed + 1))
    return
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  executed=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${total:-0} - ${executed:-0}))
}

passed=0
failed=0

# 1. Every test on SQLite (the embedded default), but those that need PostgreSQL whatever the provider (step 2).
dotnet test PartnerWeb.sln --no-build -c Release --filter "Database!=PostgreSqlOnly" \
  --logger "trx;LogFileName=sqlite.trx" --results-directory "$results" --logger "console;verbosity=minimal"
sqlite_exit=$?
count_trx "$results/sqlite.trx"

# The integration and reliability suites on a server database: run_server_pass <trx name> <provider>.
server_exit=0
run_server_pass() {
  PARTNERWEB_TEST_PROVIDER=$2 dotnet test PartnerWeb.sln --no-build -c Release \
    --filter "(FullyQualifiedName~.Integration.|FullyQualifiedName~.Reliability.)&Database!=SqliteOnly" \
    --logger "trx;LogFileName=$1.trx" --results-directory "$results" --logger "console;verbosity=minimal" || server_exit=1
  count_trx "$results/$1.trx"
}

# 2. On PostgreSQL, on a throw-away cluster (scripts/lib/postgres.sh), with the multi-instance test
#    (Database=PostgreSqlOnly). Tests of SQLite's own mechanics are marked Database=SqliteOnly.
source scripts/lib/postgres.sh
if start_postgres; then
  run_server_pass postgres PostgreSql
  stop_postgres
else
  echo "FAIL PostgreSQL did not start"
  failed=$((failed + 1))
fi

# 3. Optionally a real SQL Server too (it cannot run on the CI machines): PARTNERWEB_TEST_SQLSERVER=<connection string without a database>.
if [[ -n ${PARTNERWEB_TEST_SQLSERVER:-} ]]; then
  run_server_pass sqlserver SqlServer
fi

if [[ $sqlite_exit -ne 0 || $server_exit -ne 0 ]] && [[ $failed -eq 0 ]]; then
  failed=1
fi

# 4. The API contract through third-party tools (scripts/contract.sh): Redocly lints the served document (its
#    PASS/FAIL lines count) and an NSwag client generated from it runs the seed flow (PartnerWeb.ClientTests,
#    counted from its trx file; a build that generated nothing counts as a failure).
contract_out=$(bash scripts/contract.sh "$results/contract" 2>&1)
echo "$contract_out"
passed=$((passed + $(grep -c '^PASS ' <<<"$contract_out")))
failed=$((failed + $(grep -c '^FAIL ' <<<"$contract_out")))
count_trx "$results/contract/client.trx"

# The shell scripts run against a real server on a fresh database (one each); each of their checks counts.
source scripts/lib/server.sh
run_script_against_server() {
  local script=$1 out
  if ! start_server; then
    echo "FAIL $script: server did not start"
    failed=$((failed + 1))
    return
  fi
  out=$(bash "$script" 2>&1)
  echo "$out"
  stop_server
  passed=$((passed + $(grep -c '^PASS ' <<<"$out")))
  failed=$((failed + $(grep -c '^FAIL ' <<<"$out")))
  if ! grep -qE '^[0-9]+ passed, 0 failed$' <<<"$out"; then
    grep -q '^FAIL ' <<<"$out" || failed=$((failed + 1))
  fi
}
run_script_against_server scripts/smoke.sh
run_script_against_server scripts/verify.sh

# The proof pack builds, starts its own throw-away server and writes its report into a temporary
# path; every row of the report's summary table counts, and a failed run counts at least once.
proof_report="$results/step22-proof.md"
bash scripts/proof.sh "$proof_report"
proof_exit=$?
# Only the summary table counts: it ends where the first section (## A) starts.
proof_rows() { awk -v r="| $1 |" '/^## / { exit } index($0, r) && substr($0, length($0) - length(r) + 1) == r { n++ } END { print n + 0 }' "$proof_report" 2>/dev/null; }
proof_passed=$(proof_rows PASS)
proof_failed=$(proof_rows FAIL)
passed=$((passed + ${proof_passed:-0}))
failed=$((failed + ${proof_failed:-0}))
if [[ $proof_exit -ne 0 && ${proof_failed:-0} -eq 0 ]]; then
  echo "FAIL scripts/proof.sh exited $proof_exit"
  failed=$((failed + 1))
fi

echo "${passed:-0} passed, ${failed} failed"
[[ $failed -eq 0 ]]
