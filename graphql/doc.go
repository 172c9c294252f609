// Package graphql is Provenant's buyer and auditor API: a GraphQL schema
// (graphql-go) over the store's public data and the ledger, served over
// HTTP at /graphql (GraphQL over HTTP: POST JSON, GET with a query string;
// GraphiQL, embedded, for browsers).
//
// What a buyer can ask: where a product's events come from (product,
// event, batch, anchor), and whether each claim is proven and anchored;
// verifyEvent re-checks one event from scratch, trusting the store for
// nothing it can check against the ledger. Auditors page through the
// ledger's anchors and its published registry roots.
//
// Private data never leaves: the API reads the store through the methods
// that do not open sealed payloads (the service opens the store without the
// encryption key), and its schema has no field for read points, business
// locations, parties, transactions, quantities, sensor readings, ILMD,
// certificates, extensions or the signing supplier. Reject reasons are
// reduced to public categories, as the prover's own reasons may name a
// facility.
//
// Every request is bounded before it runs: body size, query depth, field
// complexity (list fields count by their page size), aliases, page size,
// a timeout, and a token bucket per client address; introspection can be
// turned off. Errors follow the GraphQL spec, each with extensions.code.
package graphql
