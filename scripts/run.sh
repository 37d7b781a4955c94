#!/usr/bin/env bash
# The main job: installs what is missing, builds, and rehearses the seed's workshop
# programme with 24 bots from 4 areas, printing the transcript.
# Usage: scripts/run.sh                      (the workshop programme)
#        scripts/run.sh rehearse summegrupper --participants 200 --areas 6
#        scripts/run.sh run Examples/buzz-groups.lua
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --product kraftfelt
if [ $# -eq 0 ]; then
    set -- rehearse netvaerksorganisering --participants 24 --areas 4 --seed 7
fi
exec .build/debug/kraftfelt "$@"
