#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the example script in the sandbox.
# Usage: scripts/run.sh [FILE.lua]   (default: Examples/buzz-groups.lua)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --product kraftfelt
exec .build/debug/kraftfelt run "${1:-Examples/buzz-groups.lua}"
