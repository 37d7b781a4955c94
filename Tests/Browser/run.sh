#!/usr/bin/env bash
# The browser tests (the live pages, a restart, the measurement report, the follow-up) and the API check against docs/openapi.yaml, each on a server of its own.
# Usage: Tests/Browser/run.sh KRAFTFELT_BINARY ARTIFACTS_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="$1"
artifacts="${2:-.build/artifacts/browser}"
python3 Tests/Browser/browser_test.py "$binary" "$artifacts"
python3 Tests/Browser/restart_test.py "$binary"
python3 Tests/Browser/report_test.py "$binary" "$artifacts"
python3 Tests/Browser/follow_up_test.py "$binary" "$artifacts"
if [ -f Tests/Browser/check_openapi.py ]; then
    data="$(mktemp -d)"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "$binary" serve --data "$data" --port "$port" --no-ready-session > "$data/serve.out" 2>&1 &
    server=$!
    trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
    # A busy machine can take a while to start the server; give up early only if it exited.
    for _ in $(seq 1 300); do
        grep -q "console#token=" "$data/serve.out" 2>/dev/null && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.2
    done
    token="$(grep -o 'console#token=[^ ]*' "$data/serve.out" | cut -d= -f2 || true)"
    if [ -z "$token" ]; then
        echo "run.sh: the server for the API check printed no trainer link within 60 s; it printed:" >&2
        cat "$data/serve.out" >&2
        exit 1
    fi
    python3 Tests/Browser/check_openapi.py --base "http://127.0.0.1:$port" --token "$token"
fi
