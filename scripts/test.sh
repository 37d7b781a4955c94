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
if [ -z "${KRAFTFELT_TEST_POSTGRES:-}" ]; then
    if url=$(scripts/start-postgres.sh); then
        export KRAFTFELT_TEST_POSTGRES="$(printf '%s\n' "$url" | tail -n 1)"
    else
        echo "note: no PostgreSQL server could be started; the PostgreSQL store suite is skipped" >&2
    fi
fi
swift build --build-tests
swift test --skip-build "$@"
if [ $# -eq 0 ]; then
    Tests/Browser/run.sh .build/debug/kraftfelt .build/artifacts/browser
fi
