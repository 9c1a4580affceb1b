#!/usr/bin/env bash
# Builds the genuine kube-apiserver and etcd from the pinned Go modules in tools/envtest/ and
# prints the directory that holds them. The versions live in tools/envtest/*/go.mod only.
# The binaries are cached outside the work tree, keyed by what they are built from (go.mod,
# go.sum, main.go, the Go version), so only the first run pays the build (see README: about
# 10-15 min on 2 cores, ~2.5 GB of Go build cache); later runs print the cached directory at once.
#   scripts/envtest-binaries.sh            # build if needed, print the directory
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/usr/local/go/bin:$PATH
command -v go >/dev/null || { echo "envtest: Go is needed (/usr/local/go/bin/go)" >&2; exit 1; }
SRC=$ROOT/tools/envtest
key=$( { go version; cat "$SRC"/kube-apiserver/{go.mod,go.sum,main.go} "$SRC"/etcd/{go.mod,go.sum,main.go}; } | sha256sum | cut -c1-16)
k8s_version=$(cd "$SRC/kube-apiserver" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd_version=$(cd "$SRC/etcd" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
CACHE=${KAFKA_EDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-edge}/envtest/$k8s_version-etcd$etcd_version-$key
if [[ -x $CACHE/kube-apiserver && -x $CACHE/etcd ]]; then
    echo "$CACHE"; exit 0
fi
mkdir -p "$CACHE.tmp"
start=$SECONDS
major=${k8s_version#v}; major=${major%%.*}
minor=${k8s_version#v*.}; minor=${minor%%.*}
(cd "$SRC/etcd" && go build -trimpath -ldflags "-s -w" -o "$CACHE.tmp/etcd" .) >&2
(cd "$SRC/kube-apiserver" && go build -trimpath -ldflags "-s -w \
    -X k8s.io/component-base/version.gitVersion=$k8s_version \
    -X k8s.io/component-base/version.gitMajor=$major -X k8s.io/component-base/version.gitMinor=$minor" \
    -o "$CACHE.tmp/kube-apiserver" .) >&2
rm -rf "$CACHE" && mv "$CACHE.tmp" "$CACHE"
echo "envtest: built kube-apiserver $k8s_version and etcd $etcd_version in $(( SECONDS - start ))s into $CACHE" >&2
echo "$CACHE"
