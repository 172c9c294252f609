package graphql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/provenant/provenant/graphql/graphiql"
)

// request is a GraphQL-over-HTTP request.
type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

// response is the GraphQL response.
type response struct {
	Data   any                        `json:"data,omitempty"`
	Errors []gqlerrors.FormattedError `json:"errors,omitempty"`
}

// Handler returns the HTTP handler of /graphql: GraphQL over HTTP (POST
// with a JSON body, GET with query, operationName and variables in the
// query string) and GraphiQL for browsers (a GET that accepts HTML and
// carries no query), plus GraphiQL's assets under /graphiql/.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphiql/", graphiql.Handler())
	mux.HandleFunc("/graphql", a.serveGraphQL)
	return mux
}

// startKey holds a request's arrival time in its context.
type startKey struct{}

func (a *API) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), startKey{}, time.Now()))
	if r.Method == http.MethodGet && graphiql.WantsHTML(r) {
		if !a.cfg.Introspection {
			http.Error(w, "GraphiQL needs introspection, which this server has turned off", http.StatusNotFound)
			return
		}
		graphiql.Handler().ServeHTTP(w, r)
		return
	}
	if !a.rate.allow(clientKey(r)) {
		w.Header().Set("Retry-After", "1")
		a.write(w, r, http.StatusTooManyRequests, fail(CodeRateLimited, "too many requests; slow down"))
		return
	}
	var req request
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				a.write(w, r, http.StatusBadRequest, fail(CodeBadRequest, "variables: not a JSON object"))
				return
			}
		}
	case http.MethodPost:
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" {
			a.write(w, r, http.StatusUnsupportedMediaType, fail(CodeBadRequest, "POST a JSON body with Content-Type: application/json"))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.Limits.MaxBodyBytes))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.write(w, r, http.StatusRequestEntityTooLarge, fail(CodePayloadTooLarge, "request body larger than %d bytes", a.cfg.Limits.MaxBodyBytes))
			return
		}
		if err != nil || json.Unmarshal(body, &req) != nil {
			a.write(w, r, http.StatusBadRequest, fail(CodeBadRequest, "the body is not a GraphQL request in JSON"))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		a.write(w, r, http.StatusMethodNotAllowed, fail(CodeMethodNotAllowed, "use GET or POST"))
		return
	}
	if int64(len(req.Query)) > a.cfg.Limits.MaxBodyBytes {
		a.write(w, r, http.StatusRequestEntityTooLarge, fail(CodePayloadTooLarge, "query longer than %d bytes", a.cfg.Limits.MaxBodyBytes))
		return
	}
	status, resp := a.execute(r.Context(), r.Method, req)
	a.write(w, r, status, resp)
}

// execute parses, checks, bounds and runs a request.
func (a *API) execute(ctx context.Context, method string, req request) (int, response) {
	if strings.TrimSpace(req.Query) == "" {
		return http.StatusBadRequest, fail(CodeBadRequest, "no query")
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(req.Query), Name: "request"})})
	if err != nil {
		return http.StatusBadRequest, withCode(CodeParseFailed, gqlerrors.FormatErrors(err))
	}
	if vr := gql.ValidateDocument(&a.schema, doc, nil); !vr.IsValid {
		return http.StatusBadRequest, withCode(CodeValidationFailed, vr.Errors)
	}
	op, ok := operation(doc, req.OperationName)
	if !ok {
		return http.StatusBadRequest, fail(CodeBadRequest, "name the operation to run (operationName)")
	}
	if method == http.MethodGet && op.Operation != ast.OperationTypeQuery {
		return http.StatusMethodNotAllowed, fail(CodeMethodNotAllowed, "only queries over GET")
	}
	lim := a.cfg.Limits
	c := measure(doc, op, req.Variables, 20)
	switch {
	case c.introspection && !a.cfg.Introspection:
		return http.StatusOK, fail(CodeIntrospectionDisabled, "introspection is turned off on this server")
	case c.depth > lim.MaxDepth:
		return http.StatusOK, fail(CodeTooDeep, "query depth %d is more than %d", c.depth, lim.MaxDepth)
	case c.aliases > lim.MaxAliases:
		return http.StatusOK, fail(CodeTooManyAliases, "%d aliases, more than %d", c.aliases, lim.MaxAliases)
	case c.complexity > lim.MaxComplexity:
		return http.StatusOK, fail(CodeTooComplex, "query complexity %d is more than %d (list fields count once per item asked for)", c.complexity, lim.MaxComplexity)
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	ctx = context.WithValue(ctx, loaderKey{}, newLoader(a.cfg.Store))
	res := gql.Execute(gql.ExecuteParams{Schema: a.schema, AST: doc, OperationName: req.OperationName, Args: req.Variables, Context: ctx})
	out := response{Data: res.Data, Errors: res.Errors}
	for i, e := range out.Errors {
		if e.Extensions == nil || e.Extensions["code"] == nil {
			code := CodeInternal
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				code = CodeTimeout
			} else if strings.Contains(e.Message, "Variable") || strings.Contains(e.Message, "Argument") {
				code = CodeBadUserInput
			}
			out.Errors[i].Extensions = map[string]any{"code": code}
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && len(out.Errors) == 0 {
		out.Errors = fail(CodeTimeout, "the request took longer than %s", lim.Timeout).Errors
	}
	return http.StatusOK, out
}

func fail(code, format string, args ...any) response {
	return response{Errors: []gqlerrors.FormattedError{{
		Message:    fmt.Sprintf(format, args...),
		Locations:  []location.SourceLocation{},
		Extensions: map[string]any{"code": code},
	}}}
}

func withCode(code string, errs []gqlerrors.FormattedError) response {
	for i := range errs {
		errs[i].Extensions = map[string]any{"code": code}
	}
	return response{Errors: errs}
}

// write sends resp as application/graphql-response+json when the client
// accepts it (with the spec's status codes), else as application/json
// with 200 for every executed request.
func (a *API) write(w http.ResponseWriter, r *http.Request, status int, resp response) {
	outcome := "ok"
	if len(resp.Errors) > 0 {
		outcome, _ = resp.Errors[0].Extensions["code"].(string)
	}
	a.cfg.Metrics.Requests.WithLabelValues(outcome).Inc()
	if start, ok := r.Context().Value(startKey{}).(time.Time); ok {
		a.cfg.Metrics.Seconds.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	}
	if outcome != "ok" {
		a.log.Info("graphql request failed", "code", outcome, "status", status, "message", resp.Errors[0].Message)
	}
	ct := "application/json"
	if strings.Contains(r.Header.Get("Accept"), "application/graphql-response+json") {
		ct = "application/graphql-response+json"
	} else if status == http.StatusBadRequest && resp.Data == nil {
		status = http.StatusOK // legacy clients read errors from a 200
	}
	w.Header().Set("Content-Type", ct+"; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(resp); err != nil {
		a.log.Debug("graphql: write response", "err", err)
	}
}

// clientKey tells clients apart for rate limiting: the remote host.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimiter is a token bucket per client.
type rateLimiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

func (l *rateLimiter) allow(key string) bool {
	if l.rate < 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100_000 { // forget idle clients rather than grow without bound
			for k, v := range l.buckets {
				if now.Sub(v.last) > time.Minute {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
