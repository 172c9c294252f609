// Package fakestub is an in-memory stand-in for the peer in the
// chaincode's unit tests: a [Stub] implementing shim.ChaincodeStubInterface
// over a sorted world state, with Fabric's transaction semantics where the
// contract depends on them (a transaction reads committed state only, its
// writes and its event apply when it commits), and an [Identity]
// implementing cid.ClientIdentity.
//
// fabric-chaincode-go v2 has no test stub of its own. Endorsement, MVCC and
// ordering are tested on a real network, not here.
package fakestub

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ErrNotImplemented is returned by the stub functions the chaincode does
// not use.
var ErrNotImplemented = errors.New("fakestub: not implemented")

// Event is a chaincode event of a committed transaction.
type Event struct {
	TxID    string
	Name    string
	Payload []byte
}

// Stub is a fake of the peer's side of one chaincode on one channel. Begin
// starts a transaction; Commit applies its writes and event, Rollback
// drops them. It is safe for concurrent use, but holds one transaction at
// a time.
type Stub struct {
	mu      sync.Mutex
	state   map[string][]byte
	writes  map[string][]byte // nil value: delete
	event   *Event
	events  []Event
	txID    string
	ts      time.Time
	args    [][]byte
	creator []byte

	// GetStateErr, when set, is what GetState returns, to test the
	// chaincode's handling of a failing peer.
	GetStateErr error
}

// New returns a stub with an empty world state.
func New() *Stub {
	return &Stub{state: make(map[string][]byte), writes: make(map[string][]byte)}
}

// Begin starts a transaction with the ID and timestamp given, dropping the
// writes of one that was not committed.
func (s *Stub) Begin(txID string, ts time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.txID, s.ts = txID, ts
	clear(s.writes)
	s.event = nil
}

// Commit applies the transaction's writes and records its event.
func (s *Stub) Commit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.writes {
		if v == nil {
			delete(s.state, k)
		} else {
			s.state[k] = v
		}
	}
	clear(s.writes)
	if s.event != nil {
		s.events = append(s.events, *s.event)
		s.event = nil
	}
}

// Rollback drops the transaction's writes and event, as the peer does with
// a failed endorsement.
func (s *Stub) Rollback() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.writes)
	s.event = nil
}

// SetArgs sets the function name and arguments of the transaction.
func (s *Stub) SetArgs(args ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.args = make([][]byte, len(args))
	for i, a := range args {
		s.args[i] = []byte(a)
	}
}

// SetCreator sets the serialized identity GetCreator returns (see
// [SerializedIdentity]).
func (s *Stub) SetCreator(creator []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creator = creator
}

// Committed returns a copy of the committed world state.
func (s *Stub) Committed() map[string][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]byte, len(s.state))
	for k, v := range s.state {
		out[k] = slices.Clone(v)
	}
	return out
}

// SetCommitted writes a key of the committed state directly, outside any
// transaction: to tamper with what the ledger holds. A nil value deletes.
func (s *Stub) SetCommitted(key string, value []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if value == nil {
		delete(s.state, key)
		return
	}
	s.state[key] = slices.Clone(value)
}

// Events returns the events of the committed transactions, in order.
func (s *Stub) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// Writes returns the number of keys the current transaction wrote.
func (s *Stub) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.writes)
}

// GetArgs implements shim.ChaincodeStubInterface.
func (s *Stub) GetArgs() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.args)
}

// GetStringArgs implements shim.ChaincodeStubInterface.
func (s *Stub) GetStringArgs() []string {
	args := s.GetArgs()
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

// GetFunctionAndParameters implements shim.ChaincodeStubInterface.
func (s *Stub) GetFunctionAndParameters() (string, []string) {
	args := s.GetStringArgs()
	if len(args) == 0 {
		return "", []string{}
	}
	return args[0], args[1:]
}

// GetArgsSlice implements shim.ChaincodeStubInterface.
func (s *Stub) GetArgsSlice() ([]byte, error) {
	var out []byte
	for _, a := range s.GetArgs() {
		out = append(out, a...)
	}
	return out, nil
}

// GetTxID implements shim.ChaincodeStubInterface.
func (s *Stub) GetTxID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.txID
}

// GetChannelID implements shim.ChaincodeStubInterface.
func (s *Stub) GetChannelID() string { return "provenance" }

// InvokeChaincode implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) InvokeChaincode(string, [][]byte, string) *peer.Response {
	return &peer.Response{Status: shim.ERROR, Message: ErrNotImplemented.Error()}
}

// GetState implements shim.ChaincodeStubInterface: it reads the committed
// state, as the peer does, not the transaction's own writes.
func (s *Stub) GetState(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.GetStateErr != nil {
		return nil, s.GetStateErr
	}
	if v, ok := s.state[key]; ok {
		return slices.Clone(v), nil
	}
	return nil, nil
}

// GetMultipleStates implements shim.ChaincodeStubInterface.
func (s *Stub) GetMultipleStates(keys ...string) ([][]byte, error) {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := s.GetState(k)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// PutState implements shim.ChaincodeStubInterface.
func (s *Stub) PutState(key string, value []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if value == nil {
		value = []byte{}
	}
	s.writes[key] = slices.Clone(value)
	return nil
}

// DelState implements shim.ChaincodeStubInterface.
func (s *Stub) DelState(key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes[key] = nil
	return nil
}

func checkKey(key string) error {
	if key == "" {
		return errors.New("fakestub: empty key")
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("fakestub: key %q is not UTF-8", key)
	}
	return nil
}

// SetStateValidationParameter implements shim.ChaincodeStubInterface.
func (s *Stub) SetStateValidationParameter(string, []byte) error { return ErrNotImplemented }

// GetStateValidationParameter implements shim.ChaincodeStubInterface.
func (s *Stub) GetStateValidationParameter(string) ([]byte, error) { return nil, ErrNotImplemented }

// GetStateByRange implements shim.ChaincodeStubInterface: the committed
// keys from startKey up to endKey, excluded.
func (s *Stub) GetStateByRange(startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	it, _, err := s.rangeQuery(startKey, endKey, 0, "")
	return it, err
}

// GetStateByRangeWithPagination implements shim.ChaincodeStubInterface.
func (s *Stub) GetStateByRangeWithPagination(startKey, endKey string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return s.rangeQuery(startKey, endKey, pageSize, bookmark)
}

// GetStateByPartialCompositeKey implements shim.ChaincodeStubInterface.
func (s *Stub) GetStateByPartialCompositeKey(objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	it, _, err := s.GetStateByPartialCompositeKeyWithPagination(objectType, keys, 0, "")
	return it, err
}

// GetStateByPartialCompositeKeyWithPagination implements
// shim.ChaincodeStubInterface as a LevelDB peer does: the bookmark is the
// key to start from, and the next page's bookmark is the key after the
// page, or "" when there is none.
func (s *Stub) GetStateByPartialCompositeKeyWithPagination(objectType string, keys []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	prefix, err := shim.CreateCompositeKey(objectType, keys)
	if err != nil {
		return nil, nil, err
	}
	return s.rangeQuery(prefix, prefix+string(utf8.MaxRune), pageSize, bookmark)
}

// GetAllStatesCompositeKeyWithPagination implements
// shim.ChaincodeStubInterface.
func (s *Stub) GetAllStatesCompositeKeyWithPagination(pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return s.rangeQuery("\x00", "\x00"+string(utf8.MaxRune), pageSize, bookmark)
}

func (s *Stub) rangeQuery(start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if pageSize < 0 {
		return nil, nil, fmt.Errorf("fakestub: page size %d", pageSize)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if bookmark != "" {
		start = bookmark
	}
	var keys []string
	for k := range s.state {
		if k >= start && (end == "" || k < end) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	meta := &peer.QueryResponseMetadata{}
	if pageSize > 0 && len(keys) > int(pageSize) {
		meta.Bookmark = keys[pageSize]
		keys = keys[:pageSize]
	}
	it := &iterator{}
	for _, k := range keys {
		it.kvs = append(it.kvs, &queryresult.KV{Namespace: "provenant", Key: k, Value: slices.Clone(s.state[k])})
	}
	meta.FetchedRecordsCount = int32(len(it.kvs))
	return it, meta, nil
}

// CreateCompositeKey implements shim.ChaincodeStubInterface.
func (s *Stub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	return shim.CreateCompositeKey(objectType, attributes)
}

// SplitCompositeKey implements shim.ChaincodeStubInterface.
func (s *Stub) SplitCompositeKey(compositeKey string) (string, []string, error) {
	if !strings.HasPrefix(compositeKey, "\x00") || !strings.HasSuffix(compositeKey, "\x00") || len(compositeKey) < 2 {
		return "", nil, fmt.Errorf("fakestub: %q is not a composite key", compositeKey)
	}
	parts := strings.Split(compositeKey[1:len(compositeKey)-1], "\x00")
	return parts[0], parts[1:], nil
}

// GetQueryResult implements shim.ChaincodeStubInterface; it fails (rich
// queries need CouchDB).
func (s *Stub) GetQueryResult(string) (shim.StateQueryIteratorInterface, error) {
	return nil, ErrNotImplemented
}

// GetQueryResultWithPagination implements shim.ChaincodeStubInterface; it
// fails.
func (s *Stub) GetQueryResultWithPagination(string, int32, string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return nil, nil, ErrNotImplemented
}

// GetHistoryForKey implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetHistoryForKey(string) (shim.HistoryQueryIteratorInterface, error) {
	return nil, ErrNotImplemented
}

// GetPrivateData implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetPrivateData(string, string) ([]byte, error) { return nil, ErrNotImplemented }

// GetMultiplePrivateData implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetMultiplePrivateData(string, ...string) ([][]byte, error) {
	return nil, ErrNotImplemented
}

// GetPrivateDataHash implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetPrivateDataHash(string, string) ([]byte, error) { return nil, ErrNotImplemented }

// PutPrivateData implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) PutPrivateData(string, string, []byte) error { return ErrNotImplemented }

// DelPrivateData implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) DelPrivateData(string, string) error { return ErrNotImplemented }

// PurgePrivateData implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) PurgePrivateData(string, string) error { return ErrNotImplemented }

// SetPrivateDataValidationParameter implements
// shim.ChaincodeStubInterface; it fails.
func (s *Stub) SetPrivateDataValidationParameter(string, string, []byte) error {
	return ErrNotImplemented
}

// GetPrivateDataValidationParameter implements
// shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetPrivateDataValidationParameter(string, string) ([]byte, error) {
	return nil, ErrNotImplemented
}

// GetPrivateDataByRange implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetPrivateDataByRange(string, string, string) (shim.StateQueryIteratorInterface, error) {
	return nil, ErrNotImplemented
}

// GetPrivateDataByPartialCompositeKey implements
// shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetPrivateDataByPartialCompositeKey(string, string, []string) (shim.StateQueryIteratorInterface, error) {
	return nil, ErrNotImplemented
}

// GetPrivateDataQueryResult implements shim.ChaincodeStubInterface; it
// fails.
func (s *Stub) GetPrivateDataQueryResult(string, string) (shim.StateQueryIteratorInterface, error) {
	return nil, ErrNotImplemented
}

// GetCreator implements shim.ChaincodeStubInterface: the identity set with
// SetCreator.
func (s *Stub) GetCreator() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.creator), nil
}

// GetTransient implements shim.ChaincodeStubInterface: none.
func (s *Stub) GetTransient() (map[string][]byte, error) { return map[string][]byte{}, nil }

// GetBinding implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetBinding() ([]byte, error) { return nil, ErrNotImplemented }

// GetDecorations implements shim.ChaincodeStubInterface: none.
func (s *Stub) GetDecorations() map[string][]byte { return map[string][]byte{} }

// GetSignedProposal implements shim.ChaincodeStubInterface; it fails.
func (s *Stub) GetSignedProposal() (*peer.SignedProposal, error) { return nil, ErrNotImplemented }

// GetTxTimestamp implements shim.ChaincodeStubInterface: the time given to
// Begin.
func (s *Stub) GetTxTimestamp() (*timestamppb.Timestamp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return timestamppb.New(s.ts), nil
}

// SetEvent implements shim.ChaincodeStubInterface: a transaction has at
// most one event, the last set.
func (s *Stub) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("fakestub: event name can not be empty string")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.event = &Event{TxID: s.txID, Name: name, Payload: slices.Clone(payload)}
	return nil
}

// StartWriteBatch implements shim.ChaincodeStubInterface: writes are
// always batched here.
func (s *Stub) StartWriteBatch() {}

// FinishWriteBatch implements shim.ChaincodeStubInterface.
func (s *Stub) FinishWriteBatch() error { return nil }

// iterator is a result set.
type iterator struct {
	kvs    []*queryresult.KV
	next   int
	closed bool
}

func (it *iterator) HasNext() bool { return !it.closed && it.next < len(it.kvs) }

func (it *iterator) Next() (*queryresult.KV, error) {
	if !it.HasNext() {
		return nil, errors.New("fakestub: no more results")
	}
	it.next++
	return it.kvs[it.next-1], nil
}

func (it *iterator) Close() error {
	it.closed = true
	return nil
}

// Identity is a fake cid.ClientIdentity: an MSP ID and the X.509 ID that
// cid would derive from a certificate's subject and issuer.
type Identity struct {
	MSPID   string
	Subject string // such as "CN=operator-client,OU=client"
	Issuer  string // such as "CN=ca.operator"
}

// GetID returns the base64 of "x509::<subject>::<issuer>", as cid does.
func (id *Identity) GetID() (string, error) {
	return base64.StdEncoding.EncodeToString([]byte("x509::" + id.Subject + "::" + id.Issuer)), nil
}

// GetMSPID returns the MSP ID.
func (id *Identity) GetMSPID() (string, error) { return id.MSPID, nil }

// GetAttributeValue reports no attribute.
func (id *Identity) GetAttributeValue(string) (string, bool, error) { return "", false, nil }

// AssertAttributeValue fails: the identity has no attributes.
func (id *Identity) AssertAttributeValue(name, _ string) error {
	return fmt.Errorf("fakestub: attribute %q not found", name)
}

// GetX509Certificate returns no certificate.
func (id *Identity) GetX509Certificate() (*x509.Certificate, error) { return nil, nil }

// SerializedIdentity returns what a peer's GetCreator returns for a client
// of mspID with the PEM certificate cert: an msp.SerializedIdentity.
func SerializedIdentity(mspID string, certPEM []byte) ([]byte, error) {
	return proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: certPEM})
}
