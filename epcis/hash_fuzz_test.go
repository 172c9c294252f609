package epcis

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var fuzzHashIDForm = regexp.MustCompile(`^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$`)

// FuzzHashID checks that HashID never panics, is deterministic, agrees
// with PreHash, and returns either an ni URI or an ErrUnhashableEvent.
// Its corpus is the conformance vectors' events (when
// PROVENANT_CONFORMANCE_DIR names them) plus the seeds below.
func FuzzHashID(f *testing.F) {
	docContext := `["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"https://ns.example.com/epcis/","gs1":"https://gs1.org/voc/","cbv":"https://ref.gs1.org/cbv/"}]`
	for _, ev := range []string{
		testHashEvent,
		`{"type":"ObjectEvent","eventTime":"2023-02-02T11:04:03.1415Z","eventTimeZoneOffset":"+01:00","action":"OBSERVE"}`,
		`{"type":"AggregationEvent","parentID":"urn:epc:id:sscc:4012345.0000000333","childEPCs":["urn:epc:id:sgtin:4012345.011111.987"],"childQuantityList":[{"epcClass":"urn:epc:idpat:sgtin:4012345.011111.*","quantity":"1.50"}]}`,
		`{"type":"TransformationEvent","inputEPCList":["https://id.gs1.de/01/04012345999990/21/XYZ-1234"],"outputQuantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.022222.L1","quantity":452.0,"uom":"KGM"}],"ilmd":{"example:bestBefore":"2020-11-10"}}`,
		`{"type":"TransactionEvent","bizTransactionList":[{"bizTransaction":"urn:x"},{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:1:2","example:e":1}],"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:4012345.00000"}]}`,
		`{"type":"AssociationEvent","persistentDisposition":{"set":["completeness_verified"],"unset":["in_transit"]},"readPoint":{"id":"urn:epc:id:sgln:4012345.00011.0","example:x":{"example:yList":["a"]}}}`,
		`{"type":"ObjectEvent","sensorElementList":[{"sensorMetadata":{"time":"2023-01-11T11:05:00Z","example:m":"1e-7"},"sensorReport":[{"type":"Temperature","value":-0.0,"component":"x","booleanValue":true,"stringValue":null}]}]}`,
		`{"@context":{"ev":"https://ev.example/"},"type":"ObjectEvent","ev:f":"departing","@xmlns:x":"urn:x:","x:g":"nan","#text":"t","comment":"c"}`,
		`{"type":"ObjectEvent","eventTime":"2023-12-31T23:59:59.9995-01:00","example:n":123456789012345678901234567890,"example:s":"١٢","example:u":"1_000"}`,
		`{"type":"ObjectEvent","example:q":1e999}`,
		`{"type":5}`,
		`[]`,
		`{"type":"ObjectEvent","epcList":[{"type":1},{"type":"a"}]}`,
		`{"type":"ObjectEvent","bizTransactionList":[{"type":"inv","#text":true,"bizTransaction":"urn:x"},[]],"readPoint":{"#text":[],"id":"urn:epc:id:sgln:4012345.00011.0"}}`,
		`{"type":"ObjectEvent","example:s":{"example:t":{"@context":26.2,"value":"x"}},"@xmlns:ex":"urn:ex:","ex:a":{"@xmlns:ey":"urn:ey:","ey:b":"1"}}`,
		`{"type":"ObjectEvent","quantityList":["x",{"epcClass":"urn:epc:idpat:sgtin:4012345.011111.*","example:e":"y"}],"readPoint":{"example:only":"z"},"sourceList":"s"}`,
	} {
		f.Add([]byte(ev), []byte(docContext))
	}
	if dir := os.Getenv("PROVENANT_CONFORMANCE_DIR"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "eventhash", "*.jsonld"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			var doc struct {
				Context json.RawMessage `json:"@context"`
			}
			_ = json.Unmarshal(data, &doc)
			if d, err := hashTestReadDocument(data); err == nil {
				for _, ev := range d.events {
					f.Add([]byte(ev), []byte(doc.Context))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, event, context []byte) {
		ctx, err := ParseContext(context)
		if err != nil {
			ctx = Context{}
		}
		id1, err1 := HashID(event, ctx)
		id2, err2 := HashID(event, ctx)
		if id1 != id2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("not deterministic: %q %v / %q %v", id1, err1, id2, err2)
		}
		pre, errPre := PreHash(event, ctx)
		if (errPre == nil) != (err1 == nil) {
			t.Fatalf("PreHash and HashID disagree: %v / %v", errPre, err1)
		}
		if err1 != nil {
			if !errors.Is(err1, ErrUnhashableEvent) {
				t.Fatalf("error %v does not wrap ErrUnhashableEvent", err1)
			}
			return
		}
		if !fuzzHashIDForm.MatchString(id1) {
			t.Fatalf("HashID = %q, not an ni URI", id1)
		}
		if HashIDFromPreHash(pre) != id1 {
			t.Fatalf("HashID is not the hash of PreHash")
		}
	})
}
