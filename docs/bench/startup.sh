#!/bin/sh
# startup.sh: whole-process start-up of a one-program document.
#
# Compares, side by side in one run, the built workbook binary verifying a
# hello-world lesson through yaegi with the stock yaegi CLI (v0.16.1)
# running the same program. The workbook is built twice: as `go build`
# makes it here (cgo enabled: dynamically linked, like the stock yaegi that
# `go install` builds) and with CGO_ENABLED=0 (static: no dynamic loader).
# Uses hyperfine when installed, else alternates the commands and reports
# medians.
#
# Usage: docs/bench/startup.sh [RUNS]   (from the repository root)
set -eu
. "$(dirname "$0")/documents.sh"
runs=${1:-40}
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/workbook" "$root"
CGO_ENABLED=0 go build -o "$tmp/workbook-static" "$root"
GOBIN="$tmp/bin" GOFLAGS= go install github.com/traefik/yaegi/cmd/yaegi@v0.16.1

hello_md "$tmp/hello.md"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >"$tmp/hello.go"

cd "$tmp"
export XDG_CACHE_HOME="$tmp/cache" # the workbook's binary cache stays in $tmp
wb="$tmp/workbook verify --engine yaegi hello.md"
ws="$tmp/workbook-static verify --engine yaegi hello.md"
yg="$tmp/bin/yaegi run hello.go"
$wb >/dev/null
$ws >/dev/null
$yg >/dev/null

if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N -w 5 -r "$runs" --export-json "$tmp/h.json" "$wb" "$ws" "$yg"
	# hyperfine prints means; medians are steadier on a shared machine.
	python3 -c 'import json,sys; [print("median %6.1f ms  %s" % (r["median"]*1000, r["command"])) for r in json.load(open(sys.argv[1]))["results"]]' "$tmp/h.json" 2>/dev/null || true
	exit
fi

# Fallback: alternate the commands, median of each.
ms() { # prints the wall time of "$@" in milliseconds
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}
i=0
: >"$tmp/a"
: >"$tmp/s"
: >"$tmp/b"
while [ $i -lt "$runs" ]; do
	ms $wb >>"$tmp/a"
	ms $ws >>"$tmp/s"
	ms $yg >>"$tmp/b"
	i=$((i + 1))
done
median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "workbook verify --engine yaegi hello.md:        median $(median "$tmp/a") ms"
echo "workbook-static verify --engine yaegi hello.md: median $(median "$tmp/s") ms"
echo "yaegi run hello.go:                             median $(median "$tmp/b") ms"
