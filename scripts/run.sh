#!/usr/bin/env bash
# The main job: installs what is missing, builds, and starts `kraftfelt serve` with the
# seed's workshop ready to run. It prints the trainer's link (with its secret token), the
# page phones open, and the join code.
# Usage: scripts/run.sh                      (the server on 127.0.0.1:8080)
#        scripts/run.sh serve --lan          (open to phones on the local network)
#        scripts/run.sh rehearse netvaerksorganisering --participants 24 --areas 4
#        scripts/run.sh run Examples/buzz-groups.lua
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --product kraftfelt
if [ $# -eq 0 ]; then
    set -- serve
fi
exec .build/debug/kraftfelt "$@"
