#!/bin/sh
# sandbox-share.sh: the share of the CPU that the sandbox's protections
# of issue 14 take in the figures of docs/performance.md, measured with
# perf on one build (docs/bench/sandbox-cost.sh compares two builds).
#
# Builds the workbook from the working tree into a temporary directory,
# records (perf record -g) the hello lesson through yaegi and compiled
# (RUNS processes each) and one verify of 200 small programs, and prints,
# for each, the share of all samples (the workbook and its children)
# under each of the protections' entry points, which do not nest:
#   mountTemplate.build   the read-only template, /dev, hidden homes (once per process)
#   netLender.take        creating a network namespace (once per process, then lent)
#   mountProc / docLayer  a run's /proc and the overlay of its document's folder
#   confineThread         a child's copy of the template, private /tmp, run
#                         directory (the last two predate issue 14: an upper bound)
# Needs perf and root (the namespaces). Usage: docs/bench/sandbox-share.sh [RUNS]
set -eu
. "$(dirname "$0")/documents.sh"
runs=${1:-60}
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
go build -o "$tmp/workbook" "$root"
hello_md "$tmp/hello.md"
programs_md "$tmp/programs.md" 200
export XDG_CACHE_HOME="$tmp/cache"
cd "$tmp"
./workbook verify --engine compiled hello.md >/dev/null
share() { # NAME N ARGS...: perf record N runs of the workbook with ARGS
	name=$1 n=$2
	shift 2
	perf record -q -F 10000 -g -o "$tmp/$name.data" -- sh -c '
		n=$1; shift; i=0
		while [ "$i" -lt "$n" ]; do "$@" >/dev/null 2>&1; i=$((i + 1)); done
	' sh "$n" ./workbook "$@" 2>/dev/null
	perf report -i "$tmp/$name.data" --children --sort sym -q -g none 2>/dev/null |
		awk -v name="$name" '
			/sandbox\.\(\*mountTemplate\)\.build\.func1$/ { t += $1 }
			/sandbox\.\(\*netLender\)\.take\.func1$/ { n += $1 }
			/sandbox\.mountProc$/ || /sandbox\.docLayer$/ { r += $1 }
			/sandbox\.\(\*child\)\.confineThread$/ { c += $1 }
			END { printf "%-22s template %5.2f%%  network %5.2f%%  run mounts %5.2f%%  child set-up %5.2f%%  all %5.2f%%\n",
				name, t, n, r, c, t + n + r + c }'
}
share "hello, yaegi" "$runs" verify --engine yaegi hello.md
share "hello, compiled" "$runs" verify --engine compiled hello.md
share "200 small programs" 2 verify programs.md
