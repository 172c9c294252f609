package batch

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	"github.com/provenant/provenant/field"
)

// DummyKeySeed names the dummy key that signs empty slots: gnark-crypto's
// eddsa.GenerateKey reads SHA-256(DummyKeySeed) as its 32 random bytes.
// The key's private part is derivable by anyone; it does not matter, since
// an empty slot's leaf is 0 whatever it signs.
const DummyKeySeed = Version + "/dummy-key"

// dummy is the dummy key's public point and its signature over the zero
// leaf (gnark-crypto's deterministic Sign over 32 zero bytes with the
// Poseidon2 Merkle–Damgård hasher).
type dummy struct {
	x, y *big.Int
	ax   field.Element
	ay   field.Element
	sig  eddsa.Signature
}

func newDummy() (*dummy, error) {
	seed := sha256.Sum256([]byte(DummyKeySeed))
	sk, err := eddsa.GenerateKey(bytes.NewReader(seed[:]))
	if err != nil {
		return nil, fmt.Errorf("dummy key: %w", err)
	}
	var zero [field.Bytes]byte
	raw, err := sk.Sign(zero[:], poseidon2.NewMerkleDamgardHasher())
	if err != nil {
		return nil, fmt.Errorf("dummy signature: %w", err)
	}
	d := &dummy{ax: sk.PublicKey.A.X, ay: sk.PublicKey.A.Y}
	if _, err := d.sig.SetBytes(raw); err != nil {
		return nil, fmt.Errorf("dummy signature: %w", err)
	}
	d.x = d.ax.BigInt(new(big.Int))
	d.y = d.ay.BigInt(new(big.Int))
	return d, nil
}
