// Package e2e holds the end-to-end test of the whole system as a user runs
// it: the provenant binary's dev command in the background, suppliers
// pushing with kcat and with `provenant supplier push`, a kill -9 in the
// middle of the stream and a restart, every valid event ANCHORED exactly
// once and verified over HTTP, every invalid one rejected or dead-lettered
// with its reason, and the audit clean.
package e2e
