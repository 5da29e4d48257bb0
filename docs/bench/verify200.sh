#!/bin/sh
# verify200.sh: time 200 small programs three ways, side by side:
#   1. workbook verify on one Markdown file holding them (parallel, -j CPUs);
#   2. go run of each program, one after the other;
#   3. yaegi run of each program, one after the other.
# Run from the repository root: sh docs/bench/verify200.sh [N]
# Everything is made in a temporary directory, removed at the end.
set -eu
n=${1:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "building workbook and yaegi..."
go build -o "$tmp/workbook" .
go build -o "$tmp/yaegi" github.com/traefik/yaegi/cmd/yaegi

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

echo "workbook verify ($n programs, -j $(nproc))..."
t0=$(now)
XDG_CACHE_HOME="$tmp/cache" "$tmp/workbook" verify "$md" | tail -n 1
t1=$(now)

echo "go run, one by one..."
for f in "$tmp"/go/p*.go; do go run "$f" >/dev/null; done
t2=$(now)

echo "yaegi run, one by one..."
for f in "$tmp"/go/p*.go; do "$tmp/yaegi" run "$f" >/dev/null; done
t3=$(now)

printf '\n%-22s %10s\n' approach seconds
printf '%-22s %10.2f\n' "workbook verify" "$(secs "$t0" "$t1")"
printf '%-22s %10.2f\n' "go run (each)" "$(secs "$t1" "$t2")"
printf '%-22s %10.2f\n' "yaegi run (each)" "$(secs "$t2" "$t3")"
