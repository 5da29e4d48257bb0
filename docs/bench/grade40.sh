#!/bin/sh
# grade40.sh: grade a class of 40 students (the built-in lessons' 10
# exercises each: odd students hand in the reference solutions, even ones
# the starters), side by side, ROUNDS times:
#   1. workbook grade --jobs 1: every check one after the other;
#   2. workbook grade (default --jobs: the number of CPUs).
# The ideal parallel time is the first one divided by the number of CPUs;
# the script prints each run's wall-clock and CPU seconds and the ratio
# parallel / ideal of each round. One warm-up run fills the compiled-program
# cache first (in the temporary directory, like everything else).
# With BASE=REF (a git revision, main say), the same two runs of the
# workbook built from REF follow in every round, on the same class.
# Needs jq. Run from the repository root: [BASE=REF] sh docs/bench/grade40.sh [ROUNDS]
set -eu
rounds=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export XDG_CACHE_HOME="$tmp/cache"
cpus=$(nproc)

go build -o "$tmp/workbook" .
wb="$tmp/workbook"
if [ -n "${BASE:-}" ]; then
	mkdir "$tmp/base"
	git archive "$BASE" | tar -x -C "$tmp/base"
	(cd "$tmp/base" && go build -o "$tmp/workbook-base" .)
fi
"$wb" verify --list --json > "$tmp/list.json"
i=1
while [ "$i" -le 40 ]; do
	d="$tmp/class/s$(printf %02d "$i")"
	"$wb" --dir "$d" init > /dev/null
	if [ $((i % 2)) -eq 1 ]; then
		jq -r '.programs[] | select(.role == "solution") | "\(.file | rtrimstr(".md"))/\(.exercise)"' "$tmp/list.json" |
		while read -r id; do
			jq -r --arg id "$id" '.programs[] | select(.role == "solution" and "\(.file | rtrimstr(".md"))/\(.exercise)" == $id) | .source' "$tmp/list.json" |
				grep -v '^//line ' > "$d/$id/main.go"
		done
	fi
	i=$((i + 1))
done

"$wb" grade --csv "$tmp/warm.csv" "$tmp"/class/* > /dev/null 2>&1
echo "uptime: $(uptime)"
awk -F, 'NR > 1 { n++; p += $(NF-1) } END { printf "warm-up: %d students, %d points in all\n", n, p }' "$tmp/warm.csv"
# pair LABEL BINARY: grade with --jobs 1, then with the default, and print
# the times and the ratio.
pair() {
	/usr/bin/time -f "%e %U %S" -o "$tmp/t1" "$2" grade --jobs 1 --csv "$tmp/g1.csv" "$tmp"/class/* > /dev/null 2>&1
	/usr/bin/time -f "%e %U %S" -o "$tmp/tn" "$2" grade --csv "$tmp/gn.csv" "$tmp"/class/* > /dev/null 2>&1
	cmp -s "$tmp/g1.csv" "$tmp/gn.csv" || echo "$1: the two runs graded differently"
	read -r w1 u1 s1 < "$tmp/t1"
	read -r wn un sn < "$tmp/tn"
	awk -v l="$1" -v c="$cpus" -v w1="$w1" -v u1="$u1" -v s1="$s1" -v wn="$wn" -v un="$un" -v sn="$sn" 'BEGIN {
		printf "%s: --jobs 1 %.2f s (cpu %.2f s); --jobs %d %.2f s (cpu %.2f s); ideal %.2f s; ratio %.2fx\n",
			l, w1, u1 + s1, c, wn, un + sn, w1 / c, wn / (w1 / c)
	}'
}
r=1
while [ "$r" -le "$rounds" ]; do
	pair "round $r" "$wb"
	if [ -n "${BASE:-}" ]; then
		pair "round $r, $BASE" "$tmp/workbook-base"
	fi
	r=$((r + 1))
done
echo "uptime: $(uptime)"
