# documents.sh: the test documents of the benchmark scripts, sourced by
# them (. "$(dirname "$0")/documents.sh"); not run on its own.

# hello_md FILE writes the one-program hello lesson.
hello_md() {
	printf '# Hello\n\n```go\nfmt.Println("hello")\n```\n\n```output\nhello\n```\n' >"$1"
}

# programs_md FILE N writes a document of N small programs, each with its
# expected output.
programs_md() {
	echo "# $2 programs" >"$1"
	i=1
	while [ "$i" -le "$2" ]; do
		printf '\n## Program %d\n\n```go\nwords := strings.Fields("program number %d")\nfmt.Println(len(words), strings.ToUpper(words[0]), %d*%d)\n```\n\n```output\n3 PROGRAM %d\n```\n' \
			"$i" "$i" "$i" "$i" $((i * i)) >>"$1"
		i=$((i + 1))
	done
}
