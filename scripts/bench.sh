#!/usr/bin/env bash
# Performance benchmarks (issue 8, PostgreSQL beside SQLite since issue 14, issue 19: reads on a 1M- and a 1k-entry
# ledger, operator pages at 10,000 partners, peak WAL size, PostgreSQL ingest on one and three app instances): builds Release, runs
# bench/PartnerWeb.Bench and writes reports/bench.md (machine, database versions and settings, medians
# of 5 runs, ratios to ceilings measured in the same run, each SQLite target met or missed, and the
# PostgreSQL figures beside them, for information). With both databases it took 45 minutes on a 2-core
# machine at a load average of 20 (the PostgreSQL payout phase updates a million rows ten times); less on
# a quiet machine. Not part of scripts/test.sh. The app runs as its own process, on loopback only: on
# throw-away SQLite files in a temporary folder, and on a throw-away PostgreSQL cluster that this script
# starts (scripts/lib/postgres.sh, with PostgreSQL's durable settings: fsync, synchronous_commit and
# full_page_writes on) and removes at the end.
#
#   scripts/bench.sh                          # all phases on SQLite and PostgreSQL, 5 runs each, writes reports/bench.md
#   scripts/bench.sh --runs 3 --out other.md  # fewer runs, another report path
#   scripts/bench.sh --only ingest,payout     # some phases: b0, ingest, reads, operator, payout
#   scripts/bench.sh --runs 1 --scale small --out /tmp/bench.md   # quick smoke run: 10,000 entries instead of a
#                                             # million, 500 partners instead of 10,000, 2,000 webhooks per run
#   scripts/bench.sh --instances 3            # app instances of the second PostgreSQL ingest run (default 3)
#   scripts/bench.sh --db sqlite              # one database: sqlite, postgres or both (the default)
set -euo pipefail
cd "$(dirname "$0")/.."

db=both
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ ${args[i]} == --db ]]; then db=${args[i + 1]:-}; fi
done
case $db in
  sqlite | postgres | both) ;;
  *) echo "--db must be sqlite, postgres or both" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet (the .NET 10 SDK) is required" >&2
  exit 1
fi

dotnet restore PartnerWeb/PartnerWeb.csproj >/dev/null
dotnet restore bench/PartnerWeb.Bench/PartnerWeb.Bench.csproj >/dev/null
dotnet build PartnerWeb/PartnerWeb.csproj -c Release --no-restore -v quiet -nologo >/dev/null
dotnet build bench/PartnerWeb.Bench/PartnerWeb.Bench.csproj -c Release --no-restore -v quiet -nologo >/dev/null

work=$(mktemp -d)
postgres=()
cleanup() {
  if [[ $db != sqlite ]]; then stop_postgres; fi
  rm -rf "$work"
}
trap cleanup EXIT
if [[ $db != sqlite ]]; then
  source scripts/lib/postgres.sh
  start_postgres durable
  postgres=(--postgres "$PARTNERWEB_TEST_POSTGRES")
fi
dotnet bench/PartnerWeb.Bench/bin/Release/net10.0/PartnerWeb.Bench.dll --repo . --work "$work" "${postgres[@]}" "$@"
