#!/usr/bin/env bash
# Builds examples/runtimes/go with cgo against the library of a build tree
# and runs it (CTest runtimes_go). Go's caches stay under WORK.
#
#   run-go.sh GO SOURCE_DIR WORK INCLUDE_DIR LIB_DIR
set -euo pipefail
go=$1 src=$2 work=$3 include=$4 libdir=$5
mkdir -p "$work"
export HOME=$work GOCACHE=$work/go-cache GOPATH=$work/go-path GOFLAGS=-mod=mod GOTOOLCHAIN=local
export CGO_ENABLED=1 CGO_CFLAGS="-I$include" CGO_LDFLAGS="-L$libdir -Wl,-rpath,$libdir"
cd "$src"
"$go" build -o "$work/sigx-go" .
exec "$work/sigx-go"
