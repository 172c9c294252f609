// Package services wires Provenant's components into processes: it turns
// configuration into opened stores and running servers, supervises them,
// and reports their health. Each deployable service (ingest, prover,
// anchor, api) and the all-in-one development system (Dev) lives here; the
// provenant command only parses flags and calls into this package.
package services
