#!/usr/bin/env bash
# Installs the system packages Kraftfelt builds against, when they are missing.
# Debian/Ubuntu: Lua 5.4 (liblua5.4-dev), SQLite (libsqlite3-dev) and QR codes (libqrencode-dev),
# found through pkg-config.
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! pkg-config --exists lua5.4 2>/dev/null; then missing+=(liblua5.4-dev); fi
if ! pkg-config --exists sqlite3 2>/dev/null; then missing+=(libsqlite3-dev); fi
if ! pkg-config --exists libqrencode 2>/dev/null; then missing+=(libqrencode-dev); fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
