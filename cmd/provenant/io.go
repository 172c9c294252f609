package main

import "io"

// maxInput bounds what a command reads from standard input.
const maxInput = 64 << 20

func readAll(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, maxInput))
}
