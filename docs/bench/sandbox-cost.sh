#!/bin/sh
# sandbox-cost.sh: what the sandbox's protections (issue 14) cost, before
# and after, side by side in one run.
#
# Builds the workbook and the engine's test binary twice, from a git ref
# (default: where this branch left main, "before") and from the working tree ("after"), into a
# temporary directory, then alternates the two on the figures of
# docs/performance.md:
#   1. the hello lesson, whole process: `workbook verify --engine yaegi` and
#      `--engine compiled` (cached binary) of a one-program document, RUNS
#      times each;
#   2. the engine benchmarks: a compiled cache hit (HelloSandbox, with its
#      CPU per run, and CompiledCacheHit) and a warm interpreter run
#      (WarmYaegiHello), 300 runs each;
#   3. 200 small programs: `workbook verify` of one document holding them.
# For each it prints wall time and CPU time (user+system of the command
# and the children it waited for, from /usr/bin/time), per run. On a
# shared machine CPU time is the steadier figure.
#
# Usage: docs/bench/sandbox-cost.sh [REF [RUNS [ROUNDS]]]  (from the repository root)
set -eu
. "$(dirname "$0")/documents.sh"
ref=${1:-$(git merge-base main HEAD)}
runs=${2:-100}
rounds=${3:-3}
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

mkdir -p "$tmp/before-src"
git archive "$ref" | tar -x -C "$tmp/before-src"
for v in before after; do
	src=$root
	[ "$v" = before ] && src=$tmp/before-src
	(cd "$src" && go build -o "$tmp/$v-workbook" . && go test -c -o "$tmp/$v-engine.test" ./workbook/engine/)
done

hello_md "$tmp/hello.md"
programs_md "$tmp/programs.md" 200

export XDG_CACHE_HOME="$tmp/cache" # the workbook's caches stay in $tmp
cd "$tmp"

# measure LABEL N CMD...: runs CMD N times, prints wall and CPU per run.
measure() {
	label=$1 n=$2
	shift 2
	/usr/bin/time -f "%e %U %S" -o "$tmp/time" sh -c '
		n=$1; shift
		i=0
		while [ "$i" -lt "$n" ]; do "$@" >/dev/null 2>&1 || exit 1; i=$((i + 1)); done
	' sh "$n" "$@"
	read -r wall user sys <"$tmp/time"
	echo "$label" | awk -v w="$wall" -v u="$user" -v s="$sys" -v n="$n" \
		'{ printf "%-44s wall %8.2f ms   cpu %8.2f ms\n", $0, w * 1000 / n, (u + s) * 1000 / n }'
}

for v in before after; do # warm the binary caches
	"$tmp/$v-workbook" verify --engine compiled hello.md >/dev/null
done
round=1
while [ "$round" -le "$rounds" ]; do
	echo "== round $round"
	for v in before after; do
		measure "$v: hello lesson, yaegi" "$runs" "$tmp/$v-workbook" verify --engine yaegi hello.md
		measure "$v: hello lesson, compiled (cache hit)" "$runs" "$tmp/$v-workbook" verify --engine compiled hello.md
	done
	for v in before after; do
		measure "$v: 200 small programs (verify)" 1 "$tmp/$v-workbook" verify programs.md
	done
	for v in before after; do
		(cd "$root/workbook/engine" && "$tmp/$v-engine.test" -test.run '^$' \
			-test.bench 'HelloSandbox$|CompiledCacheHit$|WarmYaegiHello$' -test.benchtime 300x) |
			grep '^Benchmark' | sed "s/^/$v: /"
	done
	round=$((round + 1))
done
