#!/usr/bin/env bash
# Refreshes reports/screenshots from the browser tests (Playwright driving Debian's Chromium).
# Test runs alone write their screenshots to a temporary folder, never into the repository.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_tools with-browser || exit 1

dotnet build PartnerWeb.sln -c Release -v quiet >/dev/null || exit 1
PARTNERWEB_SCREENSHOTS="$PWD/reports/screenshots" dotnet test PartnerWeb.sln --no-build -c Release \
  --filter "FullyQualifiedName~.Browser." --logger "console;verbosity=minimal"
