#!/usr/bin/env bash
# Builds the benchmarks in release mode and runs them; installs lupa (the peer) when pip can.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
python3 -c 'import lupa' 2>/dev/null || python3 -m pip install -q lupa || echo "lupa not available: the peer comparison is skipped"
swift build -c release --product kraftfelt-bench
swift build -c release --product kraftfelt  # the worker the `worker` part runs
exec .build/release/kraftfelt-bench "$@"
