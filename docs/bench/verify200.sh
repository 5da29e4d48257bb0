#!/bin/sh
# verify200.sh: time 200 small programs three ways, side by side:
#   1. workbook verify on one Markdown file holding them (parallel, default -j,
#      or -j $J when J is set), with an empty duration history;
#   2. go run of each program, one after the other (build cache warmed by one
#      go run first);
#   3. yaegi run of each program, one after the other (the stock v0.16.1
#      CLI, installed into a temporary GOBIN).
# Run from the repository root: sh docs/bench/verify200.sh [N]
# Everything is made in a temporary directory, removed at the end.
set -eu
n=${1:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "building workbook and yaegi..."
go build -o "$tmp/workbook" .
GOBIN="$tmp/bin" go install github.com/traefik/yaegi/cmd/yaegi@v0.16.1

mkdir -p "$tmp/md" "$tmp/go"
md="$tmp/md/programs.md"
echo "# $n programs" > "$md"
i=1
while [ "$i" -le "$n" ]; do
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
	cat > "$tmp/go/p$i.go" <<GO
package main

import (
	"fmt"
	"strings"
)

func main() {
	words := strings.Fields("program number $i")
	fmt.Println(len(words), strings.ToUpper(words[0]), $i*$i)
}
GO
	i=$((i + 1))
done

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

jobs=${J:+-j $J}
echo "workbook verify ($n programs, ${jobs:-default -j})..."
t0=$(now)
# shellcheck disable=SC2086
XDG_CACHE_HOME="$tmp/cache" "$tmp/workbook" verify $jobs "$md" | tail -n 1
tv=$(now)

echo "go run, one by one (after one warm-up go run)..."
go run "$tmp/go/p1.go" >/dev/null
t1=$(now)
for f in "$tmp"/go/p*.go; do go run "$f" >/dev/null; done
t2=$(now)

echo "yaegi run, one by one..."
for f in "$tmp"/go/p*.go; do "$tmp/bin/yaegi" run "$f" >/dev/null; done
t3=$(now)

printf '\n%-22s %10s\n' approach seconds
printf '%-22s %10.2f\n' "workbook verify" "$(secs "$t0" "$tv")"
printf '%-22s %10.2f\n' "go run (each)" "$(secs "$t1" "$t2")"
printf '%-22s %10.2f\n' "yaegi run (each)" "$(secs "$t2" "$t3")"
printf '\ngo run / workbook verify:    %6.1fx (target >= 5)\n' "$(echo "($t2 - $t1) / ($tv - $t0)" | bc -l)"
printf 'yaegi run / workbook verify: %6.1fx (target >= 2)\n' "$(echo "($t3 - $t2) / ($tv - $t0)" | bc -l)"
