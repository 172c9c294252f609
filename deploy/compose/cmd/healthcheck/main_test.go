package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	ready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.Error(w, `{"status":"unavailable"}`, http.StatusServiceUnavailable)
		}
	}))
	defer ready.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"ready", []string{ready.URL + "/readyz"}, 0},
		{"not ready", []string{ready.URL + "/other"}, 1},
		{"tcp open", []string{"tcp://" + ln.Addr().String()}, 0},
		{"tcp closed", []string{"-timeout", "1s", "tcp://" + closedAddr}, 1},
		{"http refused", []string{"-timeout", "1s", "http://" + closedAddr + "/readyz"}, 1},
		{"no argument", nil, 2},
		{"two arguments", []string{"tcp://a:1", "tcp://b:1"}, 2},
		{"not a URL", []string{"127.0.0.1:9101"}, 2},
		{"unknown scheme", []string{"udp://127.0.0.1:9101"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			if got := run(tc.args, &stderr); got != tc.want {
				t.Errorf("healthcheck %q exited %d, want %d; stderr: %s", tc.args, got, tc.want, stderr.String())
			}
		})
	}
}

func TestRunReportsWhy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"failures":{"store":"connection refused"}}`)
	}))
	defer srv.Close()
	var stderr strings.Builder
	if got := run([]string{srv.URL + "/readyz"}, &stderr); got != 1 {
		t.Fatalf("exit %d, want 1", got)
	}
	if !strings.Contains(stderr.String(), "connection refused") {
		t.Errorf("stderr %q does not carry the failing check", stderr.String())
	}
}
