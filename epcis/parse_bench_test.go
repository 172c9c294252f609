package epcis

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseValidate measures Parse and Validate on the package's own
// five-event document, on a generated document of 1000 ObjectEvents, and
// on the largest conformance fixture when PROVENANT_CONFORMANCE_DIR is set.
// It reports events per second.
func BenchmarkParseValidate(b *testing.B) {
	inputs := []struct {
		name string
		data []byte
	}{
		{"own-5-events", readTestdata(b, "document.jsonld")},
		{"generated-1000-events", generatedDocument(1000)},
	}
	if dir := os.Getenv("PROVENANT_CONFORMANCE_DIR"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir)
		}
		if data, err := os.ReadFile(filepath.Join(dir, "openepcis/capture/Documents/SensorData_and_extension.json")); err == nil {
			inputs = append(inputs, struct {
				name string
				data []byte
			}{"conformance-SensorData_and_extension", data})
		}
	}
	v, err := NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range inputs {
		doc, _ := Parse(in.name, in.data)
		events := len(doc.Events)
		b.Run("Parse/"+in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(in.name, in.data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "events/s")
		})
		b.Run("Validate/"+in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = v.Validate(in.name, in.data)
			}
			b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// generatedDocument builds a valid EPCISDocument of n ObjectEvents.
func generatedDocument(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"acme":"https://ns.acme.example/"}],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2025-03-01T08:00:00Z","epcisBody":{"eventList":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"ObjectEvent","eventID":"urn:uuid:00000000-0000-4000-8000-%012d","eventTime":"2025-03-01T07:15:00.000+01:00",`+
			`"eventTimeZoneOffset":"+01:00","epcList":["urn:epc:id:sgtin:4012345.011122.%d","https://id.gs1.org/01/04012345111225/21/%d"],`+
			`"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},`+
			`"bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:PO-%d"}],"acme:shift":%d}`, i, i, i, i, i%3)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}
