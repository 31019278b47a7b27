#!/usr/bin/env bash
# Installs the command-line tools the scripts use when they are missing (Debian packages).
# Sourced by scripts/test.sh and the other scripts; safe to call many times.
# `ensure_tools with-browser` also installs chromium for the browser tests.

ensure_tools() {
  local wanted=(curl jq sqlite3 openssl)
  local missing=()
  for tool in "${wanted[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  # The browser tests drive Debian's Chromium; Playwright downloads no browser here.
  [[ ${1:-} == with-browser && ! -x /usr/bin/chromium ]] && missing+=(chromium)
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing tools: ${missing[*]} (install them, then run again)" >&2
    return 1
  fi
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Node.js and npm for the npm tools of scripts/contract.sh (Redocly CLI), from Debian when missing.
ensure_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || { echo "missing tools: node npm (install them, then run again)" >&2; return 1; }
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: nodejs npm" >&2
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
}
