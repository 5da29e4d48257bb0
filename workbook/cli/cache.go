package cli

import (
	"fmt"
	"io"

	"github.com/dustin/go-humanize"

	"github.com/ppworkbook/workbook/workbook/engine"
)

const cacheUsage = `Usage: workbook cache [clean]

Shows where the compiled engine caches lesson programs it has built, and how
much space they take; "workbook cache clean" empties the cache (binaries that
a running workbook is using stay). The cache is bounded: once it holds more
than its cap, the least recently used binaries are removed. The cap is 1 GiB;
set $WORKBOOK_CACHE_MAX to change it ("512MiB", "2GB", or "off" for no cap).
`

// cacheCmd is `workbook cache [clean]`.
func cacheCmd(args []string, env Env, stdout, stderr io.Writer) int {
	clean := false
	switch {
	case len(args) == 0:
	case len(args) == 1 && args[0] == "clean":
		clean = true
	case len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help"):
		fmt.Fprint(stdout, cacheUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "workbook cache: unexpected arguments %q\n%s", args, cacheUsage)
		return 2
	}
	max, err := engine.ParseCacheMax(env.Getenv(engine.CacheMaxEnv))
	if err != nil {
		fmt.Fprintf(stderr, "workbook cache: $%s: %v\n", engine.CacheMaxEnv, err)
		return 2
	}
	dir, err := engine.DefaultCacheDir()
	if err != nil {
		fmt.Fprintf(stderr, "workbook cache: %v\n", err)
		return 1
	}
	if clean {
		before, err := engine.CacheStats(dir)
		if err != nil {
			fmt.Fprintf(stderr, "workbook cache: %v\n", err)
			return 1
		}
		removed, inUse, err := engine.CleanCache(dir)
		if err != nil {
			fmt.Fprintf(stderr, "workbook cache: %v\n", err)
			return 1
		}
		after, err := engine.CacheStats(dir)
		if err != nil {
			fmt.Fprintf(stderr, "workbook cache: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "removed %s (%s) from %s\n", programs(removed), humanize.IBytes(uint64(before.Bytes-after.Bytes)), dir)
		if inUse > 0 {
			fmt.Fprintf(stdout, "kept %s in use by a running workbook\n", programs(inUse))
		}
		return 0
	}
	info, err := engine.CacheStats(dir)
	if err != nil {
		fmt.Fprintf(stderr, "workbook cache: %v\n", err)
		return 1
	}
	limit := "no cap"
	if max > 0 {
		limit = "cap " + humanize.IBytes(uint64(max))
	}
	fmt.Fprintf(stdout, "location: %s\nsize: %s in %s (%s; $%s)\n",
		info.Dir, humanize.IBytes(uint64(info.Bytes)), programs(info.Entries), limit, engine.CacheMaxEnv)
	return 0
}

// programs is "1 compiled program" or "N compiled programs".
func programs(n int) string {
	if n == 1 {
		return "1 compiled program"
	}
	return fmt.Sprintf("%d compiled programs", n)
}
