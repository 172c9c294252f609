// Package demo generates and pushes realistic demo feeds: several suppliers,
// each with its own signing key, tell coherent EPCIS 2.0 stories (a lot is
// commissioned at a farm, packed onto a pallet, shipped to the supplier's
// processing plant, received, unpacked and transformed into a finished
// product), push them signed to the events topic like any supplier would,
// and add a few messages that the platform must refuse. It then follows the
// events through the pipeline and reports what became of each.
//
// Most lots are commissioned at a facility of the demo origin registry
// (services.DemoFacilities) and end ANCHORED. A few claim an origin that no
// certificate backs (a facility that is not certified, or a certified one
// claiming another region): ingest stores them, and the prover rejects them
// (REJECTED). The bad messages never reach the store: ingest sends them to
// the dead-letter topic with a code (malformed, invalid, missing-header,
// unknown-supplier).
//
// The files follow the steps: feed.go generates the feed (deterministic
// for a seed), suppliers.go keeps the suppliers' profiles and keys,
// registers them and signs the feed, push.go sends it, deadletters.go reads
// the dead-letter topic back, progress.go follows the events in the store,
// report.go prints the summary, and demo.go runs it all.
package demo
