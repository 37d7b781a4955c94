#!/usr/bin/env bash
# Starts a local PostgreSQL for the test suite (Debian's postgresql package, installed when
# missing), creates the role `kraftfelt` and the database `kraftfelt_test`, and prints the
# URL the tests read from KRAFTFELT_TEST_POSTGRES. Needs root or sudo.
set -euo pipefail
# Everything but the URL goes to stderr: pg_ctlcluster, for one, prints notes such as
# "Removed stale pid file." on stdout.
exec 3>&1 1>&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
    pg_lsclusters -h 2>/dev/null | grep -q "^$version main" || $sudo pg_createcluster "$version" main >/dev/null 3>&-
    $sudo pg_ctlcluster "$version" main start 3>&-
fi
as_postgres() { $sudo su postgres -c "$1"; }
for _ in $(seq 1 30); do as_postgres "psql -tAc 'SELECT 1'" >/dev/null 2>&1 && break; sleep 1; done
as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'kraftfelt'\"" | grep -q 1 ||
    as_postgres "psql -q -c \"CREATE ROLE kraftfelt LOGIN PASSWORD 'kraftfelt'\""
as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'kraftfelt_test'\"" | grep -q 1 ||
    as_postgres "createdb -O kraftfelt kraftfelt_test"
echo "postgres://kraftfelt:kraftfelt@127.0.0.1:5432/kraftfelt_test" >&3
