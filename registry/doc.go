// Package registry builds the two registries whose Merkle roots the
// authority publishes on the ledger and against which the batch circuit
// proves membership: the supplier registry (registered supplier keys) and
// the origin registry (certified origin facilities). It imports origin
// lists from CSV and JSON files and keeps each version of a registry as a
// store.RegistrySnapshot.
//
// This comment is the specification: another implementation that follows it
// rebuilds the same roots from the same entries.
//
// # Trees
//
// Both registries are Merkle trees of depth 20 (Depth) built by package
// merkle: leaf i is the i-th entry in the order below, the leaves after the
// last entry are 0, and every inner node is field.Compress(left, right)
// (Poseidon2's 2-to-1 compression on BN254). A registry holds at most 2^20
// entries (MaxEntries); an empty registry's root is that of a tree of
// zeros. A Merkle path lists the sibling of every level from the leaf up,
// and bit d of the leaf index says whether the node at level d is a right
// child. H, String, Region and Uint64 below are those of package field.
//
// # Supplier registry
//
// The leaves are the active (not removed) supplier keys of the store. The
// leaf of a key is
//
//	H(x, y)
//
// where x and y are the affine coordinates of the key's point on BN254's
// twisted Edwards curve (gnark-crypto ecc/bn254/twistededwards), elements
// of the BN254 scalar field read from their 32-byte big-endian encodings
// (supplier.PublicKey.Point). Keys are ordered by their text form, the
// lower-case hex of the 32-byte compressed public key (which is the byte
// order of the compressed keys), each key once.
//
// # Origin registry
//
// An entry (Origin) certifies that a facility is in a region from ValidFrom
// to ValidUntil, both instants included, to the millisecond. Its leaf is
//
//	H(String(facility), Region(region), Uint64(valid_from), Uint64(valid_until))
//
// with the times in Unix milliseconds (UTC). The certificate text of an
// entry is not in its leaf. Entries are canonical:
//
//   - facility: the constrained canonical GS1 Digital Link URI of a GLN,
//     https://id.gs1.org/414/<13 digits>[/254/<extension>], as
//     epcis.NormalizeEPC writes it, with a correct GLN check digit. Files
//     may give an SGLN URN, a Digital Link URI on any host, or a bare GLN.
//   - region: an officially assigned ISO 3166-1 alpha-2 code, upper case
//     (the embedded list iso3166-1.txt: 249 codes).
//   - valid_from and valid_until: UTC, from 1970-01-01T00:00:00.000Z to
//     9999-12-31T23:59:59.999Z, valid_from not after valid_until;
//     sub-millisecond digits round valid_from up and valid_until down.
//   - certificate: UTF-8 without control characters, at most 1024 bytes,
//     trimmed.
//
// The leaves are ordered by facility (byte-wise comparison of the UTF-8
// strings), then valid_from, then valid_until, then region, then
// certificate (byte-wise); entries equal in all five fields appear once.
// Entries that differ only in their certificate give equal leaves, and both
// are kept. A facility may have several entries, but entries of one
// facility for different regions must not overlap in time: at any instant
// a facility is in at most one region.
//
// A lookup (Origins.Find, FindClaim) truncates the time asked to the
// millisecond, as event claims do, and returns the first entry in leaf
// order whose period covers it (and, for FindClaim, whose region is the
// one claimed).
//
// # Snapshots
//
// A snapshot's Root is the root as RootHex writes it: 64 lower-case hex
// digits of the 32-byte big-endian element, without 0x. Its Data is compact
// JSON (no insignificant white space, no HTML escaping, no trailing
// newline), keys in the order shown, entries in leaf order:
//
//	{"format":"provenant-registry-suppliers/v1","depth":20,
//	 "suppliers":[{"public_key":"<hex>","name":"<display name>"},…]}
//
//	{"format":"provenant-registry-origins/v1","depth":20,
//	 "origins":[{"facility":"https://id.gs1.org/414/4012345000054",
//	   "region":"DE","valid_from":"2026-01-01T00:00:00.000Z",
//	   "valid_until":"2026-12-31T23:59:59.999Z","certificate":"<text>"},…]}
//
// "name" and "certificate" are left out when empty. Times are written as
// 2006-01-02T15:04:05.000Z. LoadSuppliers and LoadOrigins rebuild the tree
// from Data and refuse (ErrCorruptSnapshot) a snapshot whose Data does not
// give its Root. The data of an origin snapshot is also a valid input file
// for ParseOrigins.
//
// # Origin files
//
// ParseOrigins reads CSV (a header row naming the columns facility,
// region, valid_from, valid_until and optionally certificate, in any
// order) or JSON (an array of objects with those keys, or the object form
// above); see its documentation.
package registry
