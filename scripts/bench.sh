#!/usr/bin/env bash
# Performance benchmarks (issue 8): builds Release, runs bench/PartnerWeb.Bench and writes
# reports/bench.md (machine, SQLite version, medians of 5 runs, ratios to ceilings measured in the
# same run, each target met or missed). Takes about 4-5 minutes on a 2-core machine. Not part of
# scripts/test.sh. Everything it needs comes from `dotnet restore` (NuGet); the app runs as its own
# process on throw-away SQLite files in a temporary folder, on loopback only.
#
#   scripts/bench.sh                          # all phases, 5 runs each, writes reports/bench.md
#   scripts/bench.sh --runs 3 --out other.md  # fewer runs, another report path
#   scripts/bench.sh --only ingest,payout     # some phases: b0, ingest, reads, payout
set -euo pipefail
cd "$(dirname "$0")/.."

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
trap 'rm -rf "$work"' EXIT
dotnet bench/PartnerWeb.Bench/bin/Release/net10.0/PartnerWeb.Bench.dll --repo . --work "$work" "$@"
