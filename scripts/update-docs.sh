#!/usr/bin/env bash
# Regenerates what is generated from the registered host functions: the reference part of
# docs/lua-api.md, and the lua-language-server definitions in docs/kraftfelt.d.lua.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product kraftfelt >/dev/null
head="$(sed '/<!-- BEGIN GENERATED REFERENCE -->/q' docs/lua-api.md)"
{ printf '%s\n' "$head"; .build/debug/kraftfelt reference; echo '<!-- END GENERATED REFERENCE -->'; } > docs/lua-api.md.new
mv docs/lua-api.md.new docs/lua-api.md
.build/debug/kraftfelt reference --luals > docs/kraftfelt.d.lua.new
mv docs/kraftfelt.d.lua.new docs/kraftfelt.d.lua
