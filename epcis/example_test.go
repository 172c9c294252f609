package epcis_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/provenant/provenant/epcis"
)

func ExampleValidator_Validate() {
	v, err := epcis.NewValidator() // compile the embedded schema once, reuse for every input
	if err != nil {
		log.Fatal(err)
	}
	event := []byte(`{
	  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"acme": "https://ns.acme.example/"}],
	  "type": "ObjectEvent",
	  "eventID": "urn:uuid:6f0b7c1e-2d4a-4c39-9a51-3c1f0e2b7a10",
	  "eventTime": "2025-03-01T07:15:00+01:00",
	  "eventTimeZoneOffset": "+01:00",
	  "epcList": ["urn:epc:id:sgtin:4012345.011122.1001"],
	  "action": "FOO",
	  "bizStep": "shipping",
	  "readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0", "dock": "3"}
	}`)
	_, err = v.Validate("event.json", event)
	var verr *epcis.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Printf("%s\n  code=%s\n", p, p.Code)
		}
	}
	// Output:
	// event.json: event 0 (urn:uuid:6f0b7c1e-2d4a-4c39-9a51-3c1f0e2b7a10): /action: "FOO" is not one of ADD, OBSERVE, DELETE
	//   code=invalid_value
	// event.json: event 0 (urn:uuid:6f0b7c1e-2d4a-4c39-9a51-3c1f0e2b7a10): /readPoint/dock: field "dock" is not a standard field of readPoint; a user extension field needs a namespace prefix declared in @context (e.g. "ex:dock") [EPCIS 2.0 extension mechanism: user fields are namespaced, with the prefix declared in @context]
	//   code=unqualified_extension
}

func ExampleParse() {
	doc, err := epcis.Parse("doc.json", []byte(`{
	  "@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
	  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-03-01T08:00:00Z",
	  "epcisBody": {"eventList": [
	    {"type": "AggregationEvent", "eventTime": "2025-03-01T09:00:00+01:00", "eventTimeZoneOffset": "+01:00",
	     "parentID": "urn:epc:id:sscc:4012345.0000000017", "childEPCs": ["urn:epc:id:sgtin:4012345.011122.1001"],
	     "childQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.011122.B-77", "quantity": 12.5, "uom": "KGM"}],
	     "action": "ADD", "bizStep": "packing"}
	  ]}
	}`))
	if err != nil {
		log.Fatal(err)
	}
	for _, ev := range doc.Events {
		fmt.Println(ev.Index, ev.Type, ev.Action, ev.EventTime.UTC().Format("2006-01-02T15:04Z"))
		fmt.Println(ev.BizStepURI())
		for _, id := range ev.Products() {
			fmt.Println(" ", id)
		}
	}
	// Output:
	// 0 AggregationEvent ADD 2025-03-01T08:00Z
	// https://ref.gs1.org/cbv/BizStep-packing
	//   urn:epc:id:sscc:4012345.0000000017
	//   urn:epc:id:sgtin:4012345.011122.1001
	//   urn:epc:class:lgtin:4012345.011122.B-77
}
