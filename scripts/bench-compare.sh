#!/usr/bin/env bash
# Measures what a change costs: builds kraftfelt-bench in release mode at an older commit
# (default: the one before the hardening of issue 7) and at this one, then runs both in
# one run, alternately, and prints each row's after ÷ before.
# Usage: scripts/bench-compare.sh [COMMIT] [SECTION ...]   (sections: calls create hook …)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
before="${1:-8d01b35}"
shift || true
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(calls create memory hook patterns engine)
tree=".build-compare/$before"
if [ ! -d "$tree" ]; then
    mkdir -p .build-compare
    git worktree add --detach "$tree" "$before" >/dev/null
fi
(cd "$tree" && swift build -c release --product kraftfelt-bench)
swift build -c release --product kraftfelt-bench
exec python3 Benchmarks/compare.py "$tree/.build/release/kraftfelt-bench" .build/release/kraftfelt-bench \
    --rounds 3 "${sections[@]}"
