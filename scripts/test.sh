#!/usr/bin/env bash
# Installs what is missing, builds everything once, and runs every test. The store suite
# also runs against PostgreSQL: a server is started here when none is given in
# KRAFTFELT_TEST_POSTGRES (needs root or sudo; without one, only SQLite is tested).
# Then the browser test: `kraftfelt serve` driven by headless Chromium (Tests/Browser),
# with its screenshots in .build/artifacts/browser, and the API checked against
# docs/openapi.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --browser
scripts/install-luals.sh
if [ -z "${KRAFTFELT_TEST_POSTGRES:-}" ]; then
    if url=$(scripts/start-postgres.sh); then
        export KRAFTFELT_TEST_POSTGRES="$(printf '%s\n' "$url" | tail -n 1)"
    else
        echo "note: no PostgreSQL server could be started; the PostgreSQL store suite is skipped" >&2
    fi
fi
swift build --build-tests
# Every temporary folder of the tests (stores, data directories, packs, browsers) goes in
# one folder of this run, which goes when the run ends, passed or not.
TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/kraftfelt-tests.XXXXXX")"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
if [ $# -eq 0 ]; then
    # The server's tests run on their own: beside the suites that block threads for
    # seconds (scripts at their limits, CLI processes), their HTTP and WebSocket tasks
    # would wait for a thread of Swift's pool (two on a 2-core machine) past their time
    # limits.
    swift test --skip-build --skip KraftfeltServerTests
    swift test --skip-build --filter KraftfeltServerTests
else
    swift test --skip-build "$@"
fi
if [ $# -eq 0 ]; then
    Tests/Browser/run.sh .build/debug/kraftfelt .build/artifacts/browser
fi
