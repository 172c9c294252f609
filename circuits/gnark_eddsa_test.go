package circuits

import (
	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/std/hash/poseidon2"
	"github.com/consensys/gnark/std/signature/eddsa"
)

// gnarkEdDSA declares gnark's own EdDSA verification, for comparison.
func gnarkEdDSA(api frontend.API, c *eddsaPart) error {
	curve, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		return err
	}
	h, err := poseidon2.New(api)
	if err != nil {
		return err
	}
	return eddsa.Verify(curve, eddsa.Signature{R: c.Sig.R, S: c.Sig.S}, c.Msg, eddsa.PublicKey{A: c.A}, h)
}
