#!/usr/bin/env bash
# The load test of `kraftfelt serve` on loopback (release build): phones over real
# WebSockets join and answer; prints join time, answer-to-console latency and memory per
# connection. Arguments go to kraftfelt-load (--phones 2000,5000,10000 --sessions 100x30).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
swift build -c release --product kraftfelt
swift build -c release --product kraftfelt-load
exec .build/release/kraftfelt-load --binary .build/release/kraftfelt "$@"
