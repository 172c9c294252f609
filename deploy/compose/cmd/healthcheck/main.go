// Command healthcheck probes a service from inside its own container, for
// the health checks of docker-compose.yml: the provenant and chaincode
// images are distroless, with no shell, curl or wget to probe with.
// Kubernetes does not need it (its probes are httpGet and tcpSocket).
//
// Usage:
//
//	healthcheck [-timeout 3s] URL
//
// where URL is http://host:port/path (healthy when a GET answers 2xx; the
// admin endpoints' /readyz and /healthz) or tcp://host:port (healthy when
// a TCP connection opens; the chaincode server, whose TLS port requires a
// client certificate). The exit status is 0 when healthy, 1 when not, 2 on
// bad usage; the reason goes to standard error, which Docker keeps in the
// container's health log.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	timeout := flags.Duration("timeout", 3*time.Second, "give up after this long")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: healthcheck [-timeout 3s] http://HOST:PORT/PATH | tcp://HOST:PORT")
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	err := probe(ctx, flags.Arg(0))
	var usage usageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "healthcheck: unhealthy: %v\n", err)
		return 1
	}
	return 0
}

// usageError is a target that cannot be probed at all.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// probe reports whether target answers: an http URL with a 2xx status, a
// tcp URL by accepting a connection.
func probe(ctx context.Context, target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return usageError{fmt.Sprintf("%q is not a URL like http://127.0.0.1:9101/readyz or tcp://127.0.0.1:9999", target)}
	}
	switch u.Scheme {
	case "http", "https":
		return probeHTTP(ctx, u.String())
	case "tcp":
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", u.Host)
		if err != nil {
			return err
		}
		return conn.Close()
	}
	return usageError{fmt.Sprintf("%q: scheme %q is not http, https or tcp", target, u.Scheme)}
}

func probeHTTP(ctx context.Context, target string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return usageError{err.Error()}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s: %s: %s", target, resp.Status, body)
	}
	return nil
}
