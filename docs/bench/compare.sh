#!/bin/sh
# compare.sh: the three speed figures of docs/performance.md, before and
# after, side by side in one run:
#   1. workbook verify (the embedded lessons);
#   2. workbook verify of 200 small programs (as verify200.sh writes them);
#   3. workbook verify of the one-program hello lesson (default engine).
# It prints the median and mean wall time and the median CPU time of each,
# before and after (GNU time, at /usr/bin/time, measures them).
# "before" is the workbook built from REF (default main), "after" the
# working tree. Each binary has its own cache directory (binaries and
# duration history); the go build cache is shared. The two binaries run
# alternately (two warm-up runs each first, so compiled programs are
# cached), so that both see the same load on a shared machine.
# Run from the repository root: sh docs/bench/compare.sh [REF] [RUNS]
set -eu
. "$(dirname "$0")/documents.sh"
ref=${1:-main}
runs=${2:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "building $ref and the working tree..."
mkdir "$tmp/src"
git archive "$ref" | tar -x -C "$tmp/src"
(cd "$tmp/src" && go build -o "$tmp/before" .)
go build -o "$tmp/after" .
mkdir -p "$tmp/cache-before" "$tmp/cache-after"
GOCACHE=$(go env GOCACHE)
export GOCACHE

md="$tmp/programs.md"
echo "# 200 programs" > "$md"
i=1
while [ "$i" -le 200 ]; do
	cat >> "$md" <<MD

## Program $i

\`\`\`go
words := strings.Fields("program number $i")
fmt.Println(len(words), strings.ToUpper(words[0]), $i*$i)
\`\`\`

\`\`\`output
3 PROGRAM $((i * i))
\`\`\`
MD
	i=$((i + 1))
done
hello_md "$tmp/hello.md"

# bench NAME RUNS REP ARGS...: runs "before ARGS" and "after ARGS"
# alternately RUNS times each (after two warm-up runs of each), so that
# both see the same load, each measurement timing REP runs in a row (GNU
# time counts in 10 ms steps: REP lifts short runs above them), and prints
# for each the median and mean wall time and the median CPU time (user +
# system, children included) of one run in ms: on a shared machine the CPU
# time moves less than the wall time.
bench() {
	name=$1 n=$2 rep=$3
	shift 3
	for w in 1 2; do
		XDG_CACHE_HOME="$tmp/cache-before" "$tmp/before" "$@" >/dev/null 2>&1 || true
		XDG_CACHE_HOME="$tmp/cache-after" "$tmp/after" "$@" >/dev/null 2>&1 || true
	done
	: >"$tmp/t-before"
	: >"$tmp/t-after"
	r=1
	while [ "$r" -le "$n" ]; do
		for which in before after; do
			XDG_CACHE_HOME="$tmp/cache-$which" /usr/bin/time -f '%e %U %S' -a -o "$tmp/t-$which" \
				sh -c 'n=$1; shift; i=0; while [ "$i" -lt "$n" ]; do "$@" >/dev/null 2>&1; i=$((i + 1)); done' \
				sh "$rep" "$tmp/$which" "$@" || true
		done
		r=$((r + 1))
	done
	for which in before after; do
		awk -v rep="$rep" '{print $1 * 1000 / rep, ($2 + $3) * 1000 / rep}' "$tmp/t-$which" >"$tmp/ms-$which"
		wall=$(cut -d' ' -f1 "$tmp/ms-$which" | sort -n | awk '{v[NR]=$1; s+=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "median %7.1f ms  mean %7.1f ms", m, s/NR}')
		cpu=$(cut -d' ' -f2 "$tmp/ms-$which" | sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%7.1f ms", m}')
		printf '%-13s %-7s wall %s  CPU median %s  (%d x %d runs)\n' "$name" "$which" "$wall" "$cpu" "$n" "$rep"
	done
}

uptime
bench "lessons" "$runs" 1 verify
bench "200 programs" "$runs" 1 verify "$md"
bench "hello" "$runs" 20 verify "$tmp/hello.md"
uptime
