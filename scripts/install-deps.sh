#!/usr/bin/env bash
# Installs the system packages Kraftfelt builds against, when they are missing.
# Debian/Ubuntu: Lua 5.4 (liblua5.4-dev), SQLite (libsqlite3-dev) and QR codes (libqrencode-dev),
# found through pkg-config; and python3 with NumPy and SciPy (python3-numpy, python3-scipy), which
# the measurement tests check the report's statistics against (Tests/KraftfeltMeasureTests/independent.py).
set -euo pipefail

# With --browser, also what the browser test needs: Chromium and its driver (Debian's
# chromium and chromium-driver) and Selenium from PyPI.
missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! pkg-config --exists lua5.4 2>/dev/null; then missing+=(liblua5.4-dev); fi
if ! pkg-config --exists sqlite3 2>/dev/null; then missing+=(libsqlite3-dev); fi
if ! pkg-config --exists libqrencode 2>/dev/null; then missing+=(libqrencode-dev); fi
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ! python3 -c "import numpy" >/dev/null 2>&1; then missing+=(python3-numpy); fi
if ! python3 -c "import scipy.stats" >/dev/null 2>&1; then missing+=(python3-scipy); fi
if [ "${1:-}" = "--browser" ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
    command -v python3 >/dev/null 2>&1 || missing+=(python3-pip)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--browser" ]; then
    if ! python3 -c "import selenium, yaml, jsonschema, openapi_spec_validator" >/dev/null 2>&1; then
        echo "Installing from PyPI: selenium pyyaml jsonschema openapi-spec-validator"
        python3 -m pip install -q selenium pyyaml jsonschema openapi-spec-validator 2>/dev/null \
            || python3 -m pip install -q --break-system-packages selenium pyyaml jsonschema openapi-spec-validator
    fi
fi
