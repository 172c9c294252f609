package fabricnet

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// waitFor polls check until it succeeds, the process exits, Config.Timeout
// passes or ctx ends: 50 ms apart at first, then up to 500 ms.
func (n *Network) waitFor(ctx context.Context, name, what string, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	n.mu.Lock()
	p := n.procs[name]
	n.mu.Unlock()
	start := time.Now()
	interval := 50 * time.Millisecond
	for {
		if p != nil && p.exited() {
			return n.procErr(name, fmt.Errorf("exited (%v) while waiting until %s", p.waitErr, what))
		}
		err := check(ctx)
		if err == nil {
			n.log.Debug("fabricnet: ready", "process", name, "check", what, "elapsed", time.Since(start).Round(time.Millisecond))
			return nil
		}
		select {
		case <-ctx.Done():
			return n.procErr(name, fmt.Errorf("not %s after %s: %w (last check: %v)", what, time.Since(start).Round(time.Millisecond), ctx.Err(), err))
		case <-time.After(interval):
		}
		interval = min(interval*3/2, 500*time.Millisecond)
	}
}

// tlsProbe completes a TLS handshake with addr, verifying the server against
// rootFile under serverName, presenting a client certificate when certFile
// is set. With TLS 1.3 the server checks a client certificate after the
// client's handshake ends, so the probe reads once, briefly, to see a
// rejection.
func tlsProbe(ctx context.Context, addr, serverName, rootFile, certFile, keyFile string) error {
	rootPEM, err := os.ReadFile(rootFile)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(rootPEM) {
		return fmt.Errorf("no certificate in %s", rootFile)
	}
	cfg := &tls.Config{RootCAs: roots, ServerName: serverName, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if certFile != "" {
		_ = conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		var b [1]byte
		if _, err := conn.Read(b[:]); err != nil {
			var ne interface{ Timeout() bool }
			if !(errors.As(err, &ne) && ne.Timeout()) && !errors.Is(err, io.EOF) {
				return err
			}
		}
	}
	return nil
}

// metric reads one gauge from a Prometheus endpoint: the value of name whose
// labels include label (e.g. channel="provenance"). It fails when the
// endpoint does not answer or does not show the series.
func metric(ctx context.Context, addr, name, label string) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s/metrics: %s", addr, resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") {
			continue
		}
		end := strings.LastIndexByte(line, '}')
		if end < 0 || !strings.Contains(line[:end], label) {
			continue
		}
		return strconv.ParseFloat(strings.TrimSpace(line[end+1:]), 64)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s{%s} at %s", name, label, addr)
}
