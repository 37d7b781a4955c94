#!/usr/bin/env bash
# Regenerates the reference part of docs/lua-api.md from the registered host functions.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product kraftfelt >/dev/null
head="$(sed '/<!-- BEGIN GENERATED REFERENCE -->/q' docs/lua-api.md)"
{ printf '%s\n' "$head"; .build/debug/kraftfelt reference; echo '<!-- END GENERATED REFERENCE -->'; } > docs/lua-api.md.new
mv docs/lua-api.md.new docs/lua-api.md
