package engine

import (
	"go/parser"
	"go/token"
	"strconv"
	"sync"

	"github.com/ppworkbook/workbook/lessons"
)

// noFiles are the standard packages whose API names no file, starts no
// process and opens no socket: a program importing only these cannot
// reach the files beside its document (it reads nothing by name). Built
// on first use, not at init in every process (sandbox children included).
var noFiles = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"archive/tar": true, "bufio": true, "bytes": true, "cmp": true,
		"compress/bzip2": true, "compress/flate": true, "compress/gzip": true, "compress/lzw": true, "compress/zlib": true,
		"container/heap": true, "container/list": true, "container/ring": true, "context": true,
		"crypto/aes": true, "crypto/cipher": true, "crypto/des": true, "crypto/ecdh": true, "crypto/ecdsa": true,
		"crypto/ed25519": true, "crypto/elliptic": true, "crypto/hkdf": true, "crypto/hmac": true, "crypto/md5": true,
		"crypto/mlkem": true, "crypto/pbkdf2": true, "crypto/rand": true, "crypto/rsa": true, "crypto/sha1": true,
		"crypto/sha256": true, "crypto/sha3": true, "crypto/sha512": true, "crypto/subtle": true,
		"encoding": true, "encoding/ascii85": true, "encoding/asn1": true, "encoding/base32": true, "encoding/base64": true,
		"encoding/binary": true, "encoding/csv": true, "encoding/gob": true, "encoding/hex": true, "encoding/json": true,
		"encoding/pem": true, "encoding/xml": true, "errors": true, "flag": true, "fmt": true,
		"hash": true, "hash/adler32": true, "hash/crc32": true, "hash/crc64": true, "hash/fnv": true, "hash/maphash": true,
		"html": true, "image": true, "image/color": true, "image/draw": true, "image/gif": true, "image/jpeg": true, "image/png": true,
		"index/suffixarray": true, "io": true, "iter": true, "log": true, "log/slog": true, "maps": true,
		"math": true, "math/big": true, "math/bits": true, "math/cmplx": true, "math/rand": true, "math/rand/v2": true,
		"regexp": true, "regexp/syntax": true, "runtime": true, "slices": true, "sort": true, "strconv": true, "strings": true,
		"structs": true, "sync": true, "sync/atomic": true, "testing": true, "testing/fstest": true, "testing/iotest": true,
		"testing/quick": true, "text/scanner": true, "text/tabwriter": true, "time": true,
		"unicode": true, "unicode/utf16": true, "unicode/utf8": true, "unique": true, "weak": true,
	}
})

// Offline reports whether p's program can neither read a file by name,
// start a process nor open a socket: it (and its tests) imports only
// packages of noFiles (the standard library's, "C" and unsafe excluded).
// Its runs see no document folder (docDir) and are offline
// (sandbox.Spec.Offline: no network namespace, sockets refused).
func Offline(p *lessons.Program) bool {
	if p == nil {
		return false
	}
	for _, src := range []string{p.Source, p.Tests} {
		if src == "" {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
		if err != nil {
			return false
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil || !noFiles()[path] {
				return false
			}
		}
	}
	return true
}

// runPlace is where a run of p stands (sandbox.Spec.DocDir and
// Offline): the document's folder dir, unless p is Offline, which cannot
// read it (the sandbox then mounts no overlay of it) and gets no network.
func runPlace(p *lessons.Program, dir string) (docDir string, offline bool) {
	if Offline(p) {
		return "", true
	}
	return dir, false
}
