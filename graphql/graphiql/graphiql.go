package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed assets
var embedded embed.FS

// Prefix is the path under which Handler serves the page's assets (and the
// page itself, as Prefix alone); mount Handler on it. The page refers to
// its assets by absolute paths under Prefix, so it can be served on any
// other path as well, /graphql among them.
const Prefix = "/graphiql/"

// ContentSecurityPolicy is the Content-Security-Policy header Handler sends
// with every response. Everything comes from the page's own origin: scripts,
// the stylesheet and fonts, the Monaco editor's web workers (worker-src, as
// plain scripts, no blob:), the requests to the API (connect-src); no
// script may run inline or through eval, and the page may not be framed.
// img-src takes data: for the few icons GraphiQL's stylesheet holds inline.
// style-src takes 'unsafe-inline' because Monaco cannot work without it: it
// adds <style> elements at run time (themes, decorations, widget sizes) and
// draws its lines as HTML with style attributes, and has no way to put a
// nonce on either (with style-src 'self' alone Chromium reports
// style-src-elem and style-src-attr violations and the editors lose their
// syntax colours and line numbers). Inline styles can restyle the page, not
// run code.
const ContentSecurityPolicy = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"font-src 'self'; " +
	"img-src 'self' data:; " +
	"connect-src 'self'; " +
	"worker-src 'self'; " +
	"manifest-src 'self'; " +
	"base-uri 'none'; " +
	"form-action 'none'; " +
	"frame-ancestors 'none'"

// asset is one embedded file, ready to serve.
type asset struct {
	name        string // path under assets/
	contentType string
	body        []byte
	etag        string // strong, from the content

	compressible bool // text, worth compressing
	gzipOnce     sync.Once
	gzipBody     []byte // nil when gzip would not make it smaller
}

var (
	loadOnce sync.Once
	assets   map[string]*asset // by path under assets/
)

// load reads every embedded file once.
func load() {
	assets = make(map[string]*asset)
	err := fs.WalkDir(embedded, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "assets/")
		ct := contentType(name)
		assets[name] = &asset{
			name:         name,
			contentType:  ct,
			body:         body,
			etag:         `"` + hex.EncodeToString(sum[:16]) + `"`,
			compressible: strings.HasPrefix(ct, "text/") || ct == "image/svg+xml",
		}
		return nil
	})
	if err != nil {
		// The files are in the binary; failing to read them is a build
		// fault, not a condition to handle at run time.
		panic("graphiql: reading the embedded assets: " + err.Error())
	}
	if assets["index.html"] == nil {
		panic("graphiql: assets/index.html is not embedded; run scripts/build-graphiql.sh")
	}
}

// contentType is the Content-Type for an asset, by its extension.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".ttf":
		return "font/ttf"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// gzipped gives the asset's body compressed with gzip, made on first use
// (some 0.2 s for graphiql.js), or nil when compressing would not make it
// much smaller.
func (a *asset) gzipped() []byte {
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(a.body)
		zw.Close()
		if buf.Len() < len(a.body)*9/10 {
			a.gzipBody = buf.Bytes()
		}
	})
	return a.gzipBody
}

// Handler serves GraphiQL: the page on Prefix (and on Prefix+"index.html"),
// each embedded asset on Prefix plus its name, 404 Not Found for any other
// path under Prefix, and the page again on every path outside Prefix, so
// that a handler for another path (such as /graphql, for a request
// WantsHTML accepts) can hand a request to it as it is.
//
// It answers GET and HEAD (405 Method Not Allowed otherwise) with the
// Content-Type of each file, ContentSecurityPolicy, X-Content-Type-Options:
// nosniff, Referrer-Policy: no-referrer, a strong ETag from the file's
// content with Cache-Control: no-cache (so browsers revalidate, and get 304
// Not Modified while the binary is the same), and the body compressed with
// gzip for clients that accept it.
func Handler() http.Handler {
	loadOnce.Do(load)
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	name := "index.html"
	if rest, ok := strings.CutPrefix(r.URL.Path, Prefix); ok && rest != "" {
		name = rest
	}
	a := assets[name]
	if a == nil {
		http.NotFound(w, r)
		return
	}

	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	if name == "index.html" {
		// The page may be served on the API's own path, which answers
		// other requests with JSON.
		h.Add("Vary", "Accept")
	}
	body, etag := a.body, a.etag
	if a.compressible {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			if gz := a.gzipped(); gz != nil {
				body = gz
				etag = strings.TrimSuffix(etag, `"`) + `-gzip"`
				h.Set("Content-Encoding", "gzip")
			}
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, q := mediaRange(part)
			if (coding == "gzip" || coding == "x-gzip") && q > 0 {
				return true
			}
		}
	}
	return false
}

// WantsHTML reports whether a request on the GraphQL endpoint comes from a
// browser that wants the GraphiQL page rather than a GraphQL response: a GET
// with no query parameter whose Accept header prefers text/html to
// application/json (text/html has a higher quality value than
// application/json, counting the most specific range that matches each, as
// in RFC 9110). Browsers navigating to a page send such an Accept header;
// GraphQL clients send application/json, and curl's */* takes both alike.
func WantsHTML(r *http.Request) bool {
	if r.Method != http.MethodGet || r.URL.Query().Has("query") {
		return false
	}
	html := acceptQuality(r, "text", "html")
	return html > 0 && html > acceptQuality(r, "application", "json")
}

// acceptQuality is the quality value the request's Accept header gives the
// media type typ/sub: that of the most specific range that matches it, 0
// when none does.
func acceptQuality(r *http.Request, typ, sub string) float64 {
	best, q := -1, 0.0
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			mr, quality := mediaRange(part)
			t, s, ok := strings.Cut(mr, "/")
			if !ok {
				continue
			}
			specificity := -1
			switch {
			case t == typ && s == sub:
				specificity = 2
			case t == typ && s == "*":
				specificity = 1
			case t == "*" && s == "*":
				specificity = 0
			}
			if specificity > best {
				best, q = specificity, quality
			}
		}
	}
	return q
}

// mediaRange splits one element of an Accept or Accept-Encoding list into
// its value, lower-cased and without parameters, and its quality value (1
// when it has none, 0 when it is malformed).
func mediaRange(part string) (string, float64) {
	value, params, _ := strings.Cut(part, ";")
	value = strings.ToLower(strings.TrimSpace(value))
	q := 1.0
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			return value, 0
		}
		q = f
	}
	return value, q
}
