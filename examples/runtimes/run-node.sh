#!/usr/bin/env bash
# Installs koffi from npm into WORK (once) and runs examples/runtimes/node
# against the library of a build tree (CTest runtimes_node).
#
#   run-node.sh NODE NPM SOURCE_DIR WORK LIBRARY
set -euo pipefail
node=$1 npm=$2 src=$3 work=$4 library=$5
mkdir -p "$work"
if ! NODE_PATH="$work/node_modules" "$node" -e 'require("koffi")' 2>/dev/null; then
    echo "npm install koffi@3 into $work"
    if ! "$npm" install --prefix "$work" --no-audit --no-fund --loglevel=error koffi@3; then
        echo "FAIL: could not install koffi from the npm registry (offline, and not in npm's cache?)." >&2
        echo "      Install it by hand: $npm install --prefix $work koffi@3" >&2
        exit 1
    fi
fi
NODE_PATH="$work/node_modules" exec "$node" "$src/sigx-demo.js" "$library"
