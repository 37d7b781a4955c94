#!/usr/bin/env bash
# Installs what is missing, builds everything once, and runs every test. The store suite
# also runs against PostgreSQL: a server is started here when none is given in
# KRAFTFELT_TEST_POSTGRES (needs root or sudo; without one, only SQLite is tested).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ -z "${KRAFTFELT_TEST_POSTGRES:-}" ]; then
    if url=$(scripts/start-postgres.sh); then
        export KRAFTFELT_TEST_POSTGRES="$(printf '%s\n' "$url" | tail -n 1)"
    else
        echo "note: no PostgreSQL server could be started; the PostgreSQL store suite is skipped" >&2
    fi
fi
swift build --build-tests
swift test --skip-build "$@"
