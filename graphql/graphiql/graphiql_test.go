package graphiql

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
)

// get serves one request through Handler and gives back the response.
func get(t *testing.T, method, target string, header http.Header) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	Handler().ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// embeddedFiles lists every embedded asset by its path under assets/.
func embeddedFiles(t *testing.T) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(embedded, "assets", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, strings.TrimPrefix(p, "assets/"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func readAsset(t *testing.T, name string) []byte {
	t.Helper()
	b, err := embedded.ReadFile("assets/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkSecurityHeaders(t *testing.T, res *http.Response) {
	t.Helper()
	if got := res.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
		t.Errorf("Content-Security-Policy = %q, want %q", got, ContentSecurityPolicy)
	}
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
}

func TestIndexServed(t *testing.T) {
	index := readAsset(t, "index.html")
	// Prefix and index.html under it, the prefix without its slash, and any
	// path outside it (as the /graphql handler passes browsers on).
	for _, target := range []string{Prefix, Prefix + "index.html", "/graphiql", "/graphql", "/"} {
		t.Run(target, func(t *testing.T) {
			res := get(t, http.MethodGet, target, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			checkSecurityHeaders(t, res)
			if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept") {
				t.Errorf("Vary = %q, want Accept in it", res.Header.Values("Vary"))
			}
			if b := body(t, res); !bytes.Equal(b, index) {
				t.Errorf("body is not index.html:\n%s", b)
			}
		})
	}
}

// TestIndexReferences checks that the page refers to its script and
// stylesheet by paths under Prefix that Handler serves, and that the
// stylesheet's url()s and the Monaco workers are there too.
func TestIndexReferences(t *testing.T) {
	index := string(readAsset(t, "index.html"))
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(index, -1)
	var wanted []string
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		if !strings.HasPrefix(ref, Prefix) {
			t.Errorf("index.html refers to %q, not under %s", ref, Prefix)
			continue
		}
		wanted = append(wanted, ref)
	}
	for _, want := range []string{Prefix + "graphiql.js", Prefix + "graphiql.css"} {
		if !strings.Contains(index, `"`+want+`"`) {
			t.Errorf("index.html does not load %s", want)
		}
	}
	css := string(readAsset(t, "graphiql.css"))
	for _, m := range regexp.MustCompile(`url\(\s*["']?([^"')]+)`).FindAllStringSubmatch(css, -1) {
		if strings.HasPrefix(m[1], "data:") || strings.HasPrefix(m[1], "#") {
			continue
		}
		wanted = append(wanted, Prefix+path.Clean(m[1]))
	}
	// main.js names the workers by Monaco's labels: editor, json, graphql.
	for _, w := range []string{"editor", "json", "graphql"} {
		wanted = append(wanted, Prefix+w+".worker.js")
	}
	for _, ref := range wanted {
		res := get(t, http.MethodGet, ref, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", ref, res.StatusCode)
		}
	}
}

func TestAssetsContentTypes(t *testing.T) {
	want := map[string]string{
		".html":  "text/html; charset=utf-8",
		".js":    "text/javascript; charset=utf-8",
		".css":   "text/css; charset=utf-8",
		".woff2": "font/woff2",
		".woff":  "font/woff",
		".ttf":   "font/ttf",
	}
	seen := map[string]bool{}
	for _, name := range embeddedFiles(t) {
		ext := path.Ext(name)
		ct, ok := want[ext]
		if !ok {
			t.Errorf("%s: no Content-Type expected for %q files; add one to the handler and this test", name, ext)
			continue
		}
		seen[ext] = true
		res := get(t, http.MethodGet, Prefix+name, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", name, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != ct {
			t.Errorf("%s: Content-Type = %q, want %q", name, got, ct)
		}
		checkSecurityHeaders(t, res)
		if got := res.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s: Cache-Control = %q, want no-cache", name, got)
		}
		if res.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: Content-Encoding %q for a request that takes none", name, res.Header.Get("Content-Encoding"))
		}
		if b := body(t, res); !bytes.Equal(b, readAsset(t, name)) {
			t.Errorf("%s: body differs from the embedded file", name)
		}
	}
	for _, ext := range []string{".html", ".js", ".css"} {
		if !seen[ext] {
			t.Errorf("no %s asset embedded", ext)
		}
	}
}

func TestUnknownAssetNotFound(t *testing.T) {
	for _, target := range []string{Prefix + "nope.js", Prefix + "fonts/", Prefix + "fonts/nope.woff2", Prefix + "assets/index.html", Prefix + "../graphiql.go"} {
		res := get(t, http.MethodGet, target, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, res.StatusCode)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	res := get(t, http.MethodPost, Prefix+"graphiql.js", nil)
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: status %d, want 405", res.StatusCode)
	}
	if got := res.Header.Get("Allow"); got != "GET, HEAD" {
		t.Errorf("Allow = %q", got)
	}
	res = get(t, http.MethodHead, Prefix+"graphiql.js", nil)
	if res.StatusCode != http.StatusOK || len(body(t, res)) != 0 {
		t.Errorf("HEAD: status %d, want 200 and no body", res.StatusCode)
	}
}

func TestETag(t *testing.T) {
	res := get(t, http.MethodGet, Prefix+"graphiql.css", nil)
	etag := res.Header.Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
		t.Fatalf("ETag = %q, want a strong one from the content", etag)
	}
	res = get(t, http.MethodGet, Prefix+"graphiql.css", http.Header{"If-None-Match": {etag}})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: status %d, want 304", res.StatusCode)
	}
	res = get(t, http.MethodGet, Prefix+"graphiql.css", http.Header{"If-None-Match": {`"other"`}})
	if res.StatusCode != http.StatusOK {
		t.Errorf("If-None-Match with another ETag: status %d, want 200", res.StatusCode)
	}
	if other := get(t, http.MethodGet, Prefix+"graphiql.js", nil).Header.Get("ETag"); other == etag {
		t.Errorf("graphiql.js and graphiql.css have the same ETag %s", etag)
	}
}

func TestGzip(t *testing.T) {
	for _, name := range []string{"graphiql.css", "editor.worker.js", "index.html"} {
		want := readAsset(t, name)
		res := get(t, http.MethodGet, Prefix+name, http.Header{"Accept-Encoding": {"br;q=1, gzip;q=0.8"}})
		if got := res.Header.Get("Content-Encoding"); got != "gzip" {
			t.Fatalf("%s: Content-Encoding = %q, want gzip", name, got)
		}
		if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%s: Vary = %q, want Accept-Encoding in it", name, res.Header.Values("Vary"))
		}
		if etag := res.Header.Get("ETag"); !strings.HasSuffix(etag, `-gzip"`) {
			t.Errorf("%s: ETag of the gzip variant = %q", name, etag)
		}
		compressed := body(t, res)
		zr, err := gzip.NewReader(bytes.NewReader(compressed))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: gunzipped body differs", name)
		}
		t.Logf("%s: %d bytes, %d gzipped", name, len(want), len(compressed))
	}

	res := get(t, http.MethodGet, Prefix+"graphiql.css", http.Header{"Accept-Encoding": {"gzip;q=0"}})
	if res.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
	fonts, _ := fs.Glob(embedded, "assets/fonts/*.woff2")
	if len(fonts) == 0 {
		t.Fatal("no woff2 fonts embedded")
	}
	res = get(t, http.MethodGet, Prefix+strings.TrimPrefix(fonts[0], "assets/"), http.Header{"Accept-Encoding": {"gzip"}})
	if res.Header.Get("Content-Encoding") != "" {
		t.Error("a woff2 font, compressed already, got gzip")
	}
}

// inertHosts are the hosts that URLs in the bundled JavaScript may name.
// None is loaded: each appears only as a string that code never fetches
// (the Content-Security-Policy would stop it, and browser.mjs checks that
// the page asks no other host). Review any host a rebuild adds before
// adding it here: a CDN (unpkg, jsdelivr, esm.sh, cdnjs, Google Fonts)
// must never be one.
var inertHosts = map[string]string{
	"www.w3.org":            "XML namespace names (SVG, XLink, MathML, XHTML) for createElementNS",
	"json-schema.org":       "JSON Schema $schema identifiers in Monaco's JSON worker",
	"react.dev":             "React's production error messages (https://react.dev/errors/N)",
	"github.com":            "links in warnings, and GraphiQL's default logo, which main.js replaces",
	"code.visualstudio.com": "help links in Monaco's messages and in GraphiQL's keyboard shortcuts dialog (a link a person may follow, nothing loaded)",
	"microsoft.com":         "a placeholder link in Monaco's markdown rendering",
	"yarnpkg.com":           "a link in graphql-js's duplicate-module error message",
	"prettier.io":           "a link in a prettier error message",
	"en.wikipedia.org":      "graphql-js's description of the Float scalar",
	"commonmark.org":        "graphql-js's description of the description field in introspection",
}

// loadingContext matches the end of the text before a "//" that would
// load what follows it: import("//…"), importScripts, new Worker, fetch,
// src= or src:, url( and @import, with or without a scheme.
var loadingContext = regexp.MustCompile(`(?i)(?:import\s*\(|importscripts\s*\(|new\s+worker\s*\(|fetch\s*\(|\bsrc\s*[:=]|url\s*\(|@import)\s*["'` + "`" + `]?\s*(?:https?:)?$`)

// urls finds, in one pass over text, every http:// or https:// URL (as far
// as a character that can't be in one in source text) and every "//" that
// follows a loading context, as the text around it.
func urls(text string) (found, loading []string) {
	for i := 0; ; {
		j := strings.Index(text[i:], "//")
		if j < 0 {
			return found, loading
		}
		at := i + j
		i = at + 2
		before := text[max(0, at-40):at]
		if loadingContext.MatchString(before) {
			loading = append(loading, text[max(0, at-40):min(len(text), at+60)])
		}
		scheme := ""
		for _, s := range []string{"https:", "http:"} {
			if at >= len(s) && strings.EqualFold(text[at-len(s):at], s) {
				scheme = s
				break
			}
		}
		if scheme == "" {
			continue
		}
		end := i
		for end < len(text) && !strings.ContainsRune(" \t\r\n\"'`()<>\\{}$", rune(text[end])) {
			end++
		}
		found = append(found, text[at-len(scheme):end])
	}
}

// TestNoExternalURLs scans every embedded text file for URLs: the page and
// its stylesheet may hold none (every reference is a path on the page's own
// origin, or data:), and the JavaScript only those on inertHosts, never
// where it would load them (import, importScripts, Worker, fetch, src,
// url(), @import).
func TestNoExternalURLs(t *testing.T) {
	for _, name := range embeddedFiles(t) {
		switch path.Ext(name) {
		case ".woff2", ".woff", ".ttf":
			continue // fonts: binary, loaded as fonts, never as documents
		}
		found, loading := urls(string(readAsset(t, name)))
		for _, l := range loading {
			t.Errorf("%s loads from another origin: %q", name, l)
		}
		if path.Ext(name) == ".html" || path.Ext(name) == ".css" {
			for _, u := range found {
				t.Errorf("%s names a URL: %s", name, u)
			}
			continue
		}
		for _, raw := range found {
			u, err := url.Parse(raw)
			if err != nil || u.Host == "" {
				continue // "http://" alone, as code builds URLs with it
			}
			if _, ok := inertHosts[u.Hostname()]; !ok {
				t.Errorf("%s names %s, a host not on inertHosts", name, raw)
			}
		}
	}
}

func TestURLScan(t *testing.T) {
	for _, tc := range []struct {
		text           string
		found, loading int
	}{
		{`import("https://esm.sh/x")`, 1, 1},
		{`importScripts("//cdn.example/y.js")`, 0, 1},
		{`new Worker("https://cdn.example/w.js")`, 1, 1},
		{`a{background:url(https://fonts.googleapis.com/x)}`, 1, 1},
		{`@import "https://fonts.googleapis.com/css";`, 1, 1},
		{`{src:"https://unpkg.com/x"}`, 1, 1},
		{`<script src="//cdn.example/x.js">`, 0, 1},
		{`createElementNS("http://www.w3.org/2000/svg","svg")`, 1, 0},
		{`<script src="/graphiql/graphiql.js">`, 0, 0},
		{`fetch("/graphql"); e.src=t; x=a//b` + "\n", 0, 0},
	} {
		found, loading := urls(tc.text)
		if len(found) != tc.found || len(loading) != tc.loading {
			t.Errorf("urls(%q) = %q, %q; want %d URLs, %d loading", tc.text, found, loading, tc.found, tc.loading)
		}
	}
}

func TestWantsHTML(t *testing.T) {
	const (
		chrome  = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
		firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
		safari  = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	)
	for _, tc := range []struct {
		name   string
		method string
		target string
		accept []string
		want   bool
	}{
		{"chrome", "GET", "/graphql", []string{chrome}, true},
		{"firefox", "GET", "/graphql", []string{firefox}, true},
		{"safari", "GET", "/graphql", []string{safari}, true},
		{"html only", "GET", "/graphql", []string{"text/html"}, true},
		{"text wildcard", "GET", "/graphql", []string{"text/*"}, true},
		{"json preferred over html", "GET", "/graphql", []string{"application/json, text/html;q=0.9"}, false},
		{"html preferred over json", "GET", "/graphql", []string{"application/json;q=0.5, text/HTML"}, true},
		{"tie", "GET", "/graphql", []string{"text/html, application/json"}, false},
		{"several headers", "GET", "/graphql", []string{"application/json;q=0.1", "text/html"}, true},
		{"json", "GET", "/graphql", []string{"application/json"}, false},
		{"graphql response", "GET", "/graphql", []string{"application/graphql-response+json, application/json"}, false},
		{"curl", "GET", "/graphql", []string{"*/*"}, false},
		{"no accept", "GET", "/graphql", nil, false},
		{"html refused", "GET", "/graphql", []string{"text/html;q=0, */*"}, false},
		{"bad q", "GET", "/graphql", []string{"text/html;q=2"}, false},
		{"query parameter", "GET", "/graphql?query=%7Bhello%7D", []string{chrome}, false},
		{"empty query parameter", "GET", "/graphql?query=", []string{chrome}, false},
		{"other parameter", "GET", "/graphql?x=1", []string{chrome}, true},
		{"post", "POST", "/graphql", []string{chrome}, false},
		{"head", "HEAD", "/graphql", []string{chrome}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.target, nil)
			for _, a := range tc.accept {
				r.Header.Add("Accept", a)
			}
			if got := WantsHTML(r); got != tc.want {
				t.Errorf("WantsHTML(%s %s, Accept %q) = %v, want %v", tc.method, tc.target, tc.accept, got, tc.want)
			}
		})
	}
}
