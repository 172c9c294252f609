package registry_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/supplier"
)

// Import certified origins from CSV, then find the entry that backs an
// event's origin claim and check its Merkle path against the root, as the
// batch circuit does.
func ExampleOrigins_FindClaim() {
	const file = `facility,region,valid_from,valid_until,certificate
urn:epc:id:sgln:4012345.00005.0,DE,2026-01-01,2026-12-31,BIO-DE-2026
0614141000012,PT,2025-03-01,2027-02-28,FT-PT-9
`
	entries, err := registry.ParseOrigins("origins.csv", strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	reg, err := registry.NewOrigins(entries)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The event names its bizLocation as an SGLN; the registry finds the
	// same facility.
	eventTime := time.Date(2026, 5, 4, 8, 30, 0, 0, time.UTC)
	entry, path, err := reg.FindClaim("urn:epc:id:sgln:4012345.00005.0", "DE", eventTime)
	if err != nil {
		fmt.Println(err)
		return
	}
	leaf, _ := registry.OriginLeaf(entry)
	fmt.Println(entry.Facility, entry.Region, entry.Certificate)
	fmt.Println("leaf", path.Index, "verifies:", merkle.Verify(reg.Root(), leaf, path) == nil)

	// A claim of another region, or a time no certificate covers, is not
	// certified.
	_, _, err = reg.FindClaim("4012345000054", "FR", eventTime)
	fmt.Println(err)
	_, _, err = reg.Find("4012345000054", eventTime.AddDate(1, 0, 0))
	var nc *registry.NotCertifiedError
	fmt.Println(errors.As(err, &nc), nc.Reason)
	// Output:
	// https://id.gs1.org/414/4012345000054 DE BIO-DE-2026
	// leaf 1 verifies: true
	// origin facility https://id.gs1.org/414/4012345000054 is certified for region DE at 2026-05-04T08:30:00.000Z, not for FR
	// true expired
}

// Every problem of an origin file is reported, with its line and field.
func ExampleParseOrigins_errors() {
	const file = `facility,region,valid_from,valid_until
4012345000055,DE,2026-01-01,2026-12-31
4012345000054,XK,2026-01-01,2025-12-31
`
	_, err := registry.ParseOrigins("origins.csv", strings.NewReader(file))
	fmt.Println(err)
	// Output:
	// 3 problems:
	//	origins.csv:2: facility: GLN "4012345000055": check digit 5, want 4
	//	origins.csv:3: region: "XK" is not an officially assigned ISO 3166-1 alpha-2 code
	//	origins.csv:3: valid_until: 2025-12-31T23:59:59.999Z is before valid_from 2026-01-01T00:00:00.000Z
}

// A registered supplier's Merkle path leads from its leaf to the registry
// root; a key that is not registered has none.
func ExampleSuppliers_Path() {
	var keys []supplier.PublicKey
	for range 3 {
		k, err := supplier.GenerateKey(nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		keys = append(keys, k.Public())
	}
	reg, err := registry.NewSuppliers(keys[:2])
	if err != nil {
		fmt.Println(err)
		return
	}
	path, err := reg.Path(keys[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verifies:", merkle.Verify(reg.Root(), registry.SupplierLeaf(keys[0]), path) == nil)
	_, err = reg.Path(keys[2])
	fmt.Println(errors.Is(err, registry.ErrNotRegistered))
	// Output:
	// verifies: true
	// true
}
