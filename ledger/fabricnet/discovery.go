package fabricnet

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/discovery"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"
)

// discoverable waits until o's peer can plan an endorsement of the chaincode
// through its discovery service, i.e. it knows (by gossip) a peer of every
// organization the endorsement policy names with the chaincode installed.
// This is what a Fabric Gateway client needs before its first submit.
func (n *Network) discoverable(ctx context.Context, o org) error {
	return n.waitFor(ctx, o.peerProcess(), "planning endorsements of "+n.st.Chaincode.Name+" (discovery)", func(ctx context.Context) error {
		return n.discoverEndorsers(ctx, o)
	})
}

func (n *Network) discoverEndorsers(ctx context.Context, o org) error {
	certPEM, err := os.ReadFile(n.l.userCert(o, o.admin()))
	if err != nil {
		return err
	}
	key, err := loadECKey(n.l.userKey(o, o.admin()))
	if err != nil {
		return err
	}
	rootPEM, err := os.ReadFile(n.l.tlsCACert(o))
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(rootPEM)
	conn, err := grpc.NewClient(endpoint(n.st.Ports.Peers[o.Key].Peer),
		grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(roots, o.peerHost())))
	if err != nil {
		return err
	}
	defer conn.Close()

	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: o.MSPID, IdBytes: certPEM})
	if err != nil {
		return err
	}
	payload, err := proto.Marshal(&discovery.Request{
		Authentication: &discovery.AuthInfo{ClientIdentity: creator},
		Queries: []*discovery.Query{{
			Channel: n.st.Channel,
			Query: &discovery.Query_CcQuery{CcQuery: &discovery.ChaincodeQuery{
				Interests: []*peer.ChaincodeInterest{{Chaincodes: []*peer.ChaincodeCall{{Name: n.st.Chaincode.Name}}}},
			}},
		}},
	})
	if err != nil {
		return err
	}
	sig, err := signLowS(key, payload)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	resp, err := discovery.NewDiscoveryClient(conn).Discover(ctx, &discovery.SignedRequest{Payload: payload, Signature: sig})
	if err != nil {
		return err
	}
	if len(resp.GetResults()) != 1 {
		return fmt.Errorf("discovery answered %d results", len(resp.GetResults()))
	}
	res := resp.GetResults()[0]
	if e := res.GetError(); e != nil {
		return fmt.Errorf("discovery: %s", e.GetContent())
	}
	for _, d := range res.GetCcQueryRes().GetContent() {
		if len(d.GetLayouts()) > 0 {
			return nil
		}
	}
	return errors.New("discovery knows no set of peers that satisfies the endorsement policy yet")
}

// loadECKey reads a PKCS #8 (or SEC 1) PEM ECDSA private key.
func loadECKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	if k, err := x509.ParseECPrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: %T is not an ECDSA key", path, k)
	}
	return ek, nil
}

// signLowS signs the SHA-256 of msg the way Fabric accepts: DER (r, s) with
// s in the lower half of the curve order.
func signLowS(key *ecdsa.PrivateKey, msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return nil, err
	}
	order := elliptic.P256().Params().N
	if key.Curve != elliptic.P256() {
		order = key.Curve.Params().N
	}
	if s.Cmp(new(big.Int).Rsh(order, 1)) > 0 {
		s = new(big.Int).Sub(order, s)
	}
	return asn1.Marshal(struct{ R, S *big.Int }{r, s})
}
