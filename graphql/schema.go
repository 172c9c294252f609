package graphql

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	gql "github.com/graphql-go/graphql"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/store"
)

// eventView is an event as the API shows it: its public columns and claims.
type eventView struct {
	e *store.Event
	c claims.Claims
}

// anchorView is an anchoring transaction, from the store or the ledger.
type anchorView struct {
	BatchID     string
	TxID        string
	BlockNumber uint64
	Channel     string
	BatchRoot   string
	Timestamp   time.Time
	Submitter   string
}

type productView struct{ id string }

// connection is a Relay connection's page.
type connection struct {
	edges    []edge
	pageInfo pageInfo
}

type edge struct {
	cursor string
	node   any
}

type pageInfo struct {
	HasNextPage, HasPreviousPage bool
	StartCursor, EndCursor       string
}

// publicReason reduces a stored reject reason to a public category: the
// prover's reasons may name the facility or the supplier.
func publicReason(reason string) string {
	r := strings.ToLower(reason)
	switch {
	case reason == "":
		return ""
	case strings.Contains(r, "supplier"):
		return "the signing supplier is not in the supplier registry"
	case strings.Contains(r, "not certified") || strings.Contains(r, "origin"):
		return "the claimed origin is not backed by a facility certified at the event time"
	default:
		return "the event could not be proven"
	}
}

func newEventView(e *store.Event) (*eventView, error) {
	var c claims.Claims
	if err := json.Unmarshal(e.Claims, &c); err != nil {
		return nil, fmt.Errorf("event %q: stored claims: %w", e.ID, err)
	}
	return &eventView{e: e, c: c}, nil
}

func anchorFromStore(a *store.Anchor) *anchorView {
	return &anchorView{BatchID: a.BatchID, TxID: a.TxID, BlockNumber: a.BlockNumber, Channel: a.Channel, BatchRoot: a.BatchRoot, Timestamp: a.Timestamp}
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (a *API) buildSchema() (gql.Schema, error) {
	var eventType, batchType, anchorType, productType *gql.Object
	nodeType := gql.NewInterface(gql.InterfaceConfig{
		Name:        "Node",
		Description: "An object with a global, opaque ID (Relay).",
		Fields:      gql.Fields{"id": &gql.Field{Type: gql.NewNonNull(gql.ID)}},
		ResolveType: func(p gql.ResolveTypeParams) *gql.Object {
			switch p.Value.(type) {
			case *eventView:
				return eventType
			case *store.Batch:
				return batchType
			case *anchorView:
				return anchorType
			case *productView:
				return productType
			}
			return nil
		},
	})
	statusEnum := gql.NewEnum(gql.EnumConfig{
		Name:        "EventStatus",
		Description: "Where an event stands: received and signature-checked, proven in a batch, anchored on the ledger, or rejected.",
		Values: gql.EnumValueConfigMap{
			"RECEIVED": {Value: string(store.StatusReceived)},
			"PROVEN":   {Value: string(store.StatusProven)},
			"ANCHORED": {Value: string(store.StatusAnchored)},
			"REJECTED": {Value: string(store.StatusRejected)},
		},
	})
	batchStatusEnum := gql.NewEnum(gql.EnumConfig{
		Name:        "BatchStatus",
		Description: "Where a batch stands: proven, anchored on the ledger, or rejected by it.",
		Values: gql.EnumValueConfigMap{
			"PROVEN":   {Value: string(store.StatusProven)},
			"ANCHORED": {Value: string(store.StatusAnchored)},
			"REJECTED": {Value: string(store.StatusRejected)},
		},
	})
	kindEnum := gql.NewEnum(gql.EnumConfig{
		Name: "RegistryKind",
		Values: gql.EnumValueConfigMap{
			"SUPPLIERS": {Value: string(chaincode.RootSuppliers), Description: "registered supplier keys"},
			"ORIGINS":   {Value: string(chaincode.RootOrigins), Description: "certified origin facilities"},
		},
	})
	pageInfoType := gql.NewObject(gql.ObjectConfig{
		Name: "PageInfo",
		Fields: gql.Fields{
			"hasNextPage":     &gql.Field{Type: gql.NewNonNull(gql.Boolean), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(pageInfo).HasNextPage, nil }},
			"hasPreviousPage": &gql.Field{Type: gql.NewNonNull(gql.Boolean), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(pageInfo).HasPreviousPage, nil }},
			"startCursor":     &gql.Field{Type: gql.String, Resolve: func(p gql.ResolveParams) (any, error) { return nilIfEmpty(p.Source.(pageInfo).StartCursor), nil }},
			"endCursor":       &gql.Field{Type: gql.String, Resolve: func(p gql.ResolveParams) (any, error) { return nilIfEmpty(p.Source.(pageInfo).EndCursor), nil }},
		},
	})
	connectionOf := func(name string, node func() gql.Output) *gql.Object {
		edgeType := gql.NewObject(gql.ObjectConfig{
			Name: name + "Edge",
			Fields: gql.FieldsThunk(func() gql.Fields {
				return gql.Fields{
					"cursor": &gql.Field{Type: gql.NewNonNull(gql.String), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(edge).cursor, nil }},
					"node":   &gql.Field{Type: gql.NewNonNull(node()), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(edge).node, nil }},
				}
			}),
		})
		return gql.NewObject(gql.ObjectConfig{
			Name: name + "Connection",
			Fields: gql.Fields{
				"edges":    &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(edgeType))), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*connection).edges, nil }},
				"pageInfo": &gql.Field{Type: gql.NewNonNull(pageInfoType), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*connection).pageInfo, nil }},
			},
		})
	}
	str := func(f func(any) string) *gql.Field {
		return &gql.Field{Type: gql.NewNonNull(gql.String), Resolve: func(p gql.ResolveParams) (any, error) { return f(p.Source), nil }}
	}
	gid := func(kind string, key func(any) string) *gql.Field {
		return &gql.Field{Type: gql.NewNonNull(gql.ID), Resolve: func(p gql.ResolveParams) (any, error) { return globalID(kind, key(p.Source)), nil }}
	}
	optStr := func(f func(any) string) *gql.Field {
		return &gql.Field{Type: gql.String, Resolve: func(p gql.ResolveParams) (any, error) { return nilIfEmpty(f(p.Source)), nil }}
	}
	strList := func(f func(any) []string) *gql.Field {
		return &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(gql.String))), Resolve: func(p gql.ResolveParams) (any, error) { return f(p.Source), nil }}
	}
	ev := func(s any) *eventView { return s.(*eventView) }
	bt := func(s any) *store.Batch { return s.(*store.Batch) }
	an := func(s any) *anchorView { return s.(*anchorView) }

	claimsType := gql.NewObject(gql.ObjectConfig{
		Name:        "Claims",
		Description: "An event's public claims: what the batch proof commits to and buyers may see. The leaf of the event in its batch tree is H(hash, blinded commitment).",
		Fields: gql.Fields{
			"eventID":      str(func(s any) string { return ev(s).c.EventID }),
			"type":         str(func(s any) string { return ev(s).c.Type }),
			"action":       optStr(func(s any) string { return ev(s).c.Action }),
			"bizStep":      optStr(func(s any) string { return ev(s).c.BizStep }),
			"disposition":  optStr(func(s any) string { return ev(s).c.Disposition }),
			"eventTime":    str(func(s any) string { return rfc3339(ev(s).c.EventTime) }),
			"products":     strList(func(s any) []string { return ev(s).c.Products }),
			"originRegion": {Type: gql.String, Description: "ISO 3166-1 alpha-2 origin region, for origin events; proven to be backed by a certified facility.", Resolve: func(p gql.ResolveParams) (any, error) { return nilIfEmpty(ev(p.Source).c.OriginRegion), nil }},
			"hash": {Type: gql.NewNonNull(gql.String), Description: "The claims hash, a BN254 field element (64 hex digits).", Resolve: func(p gql.ResolveParams) (any, error) {
				h, err := ev(p.Source).c.Hash()
				if err != nil {
					return nil, err
				}
				return field.Hex(h), nil
			}},
		},
	})
	inclusionType := gql.NewObject(gql.ObjectConfig{
		Name:        "InclusionPath",
		Description: "Where an event's leaf sits in its batch tree: enough to recompute the batch root from the claims.",
		Fields: gql.Fields{
			"leaf":              str(func(s any) string { return s.(*store.BatchMember).Leaf }),
			"blindedCommitment": str(func(s any) string { return s.(*store.BatchMember).BlindedCommitment }),
			"index":             &gql.Field{Type: gql.NewNonNull(gql.Int), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*store.BatchMember).Index, nil }},
			"siblings":          strList(func(s any) []string { return s.(*store.BatchMember).MerklePath }),
		},
	})
	anchorType = gql.NewObject(gql.ObjectConfig{
		Name:        "Anchor",
		Description: "The ledger transaction that anchored a batch.",
		Interfaces:  []*gql.Interface{nodeType},
		Fields: gql.Fields{
			"id":          gid(kindAnchor, func(s any) string { return an(s).BatchID }),
			"batchID":     str(func(s any) string { return an(s).BatchID }),
			"txID":        str(func(s any) string { return an(s).TxID }),
			"blockNumber": &gql.Field{Type: gql.NewNonNull(gql.Int), Resolve: func(p gql.ResolveParams) (any, error) { return an(p.Source).BlockNumber, nil }},
			"channel":     str(func(s any) string { return an(s).Channel }),
			"batchRoot":   str(func(s any) string { return an(s).BatchRoot }),
			"timestamp":   str(func(s any) string { return rfc3339(an(s).Timestamp) }),
		},
	})
	batchType = gql.NewObject(gql.ObjectConfig{
		Name:        "Batch",
		Description: "A batch of events proven together by one Groth16 proof.",
		Interfaces:  []*gql.Interface{nodeType},
		Fields: gql.FieldsThunk(func() gql.Fields {
			return gql.Fields{
				"id":      gid(kindBatch, func(s any) string { return bt(s).ID }),
				"batchID": str(func(s any) string { return bt(s).ID }),
				"root":    str(func(s any) string { return bt(s).Root }),
				"size":    &gql.Field{Type: gql.NewNonNull(gql.Int), Resolve: func(p gql.ResolveParams) (any, error) { return bt(p.Source).Size, nil }},
				"proof": &gql.Field{Type: gql.NewNonNull(gql.String), Description: "The Groth16 proof, gnark's encoding, standard base64.", Resolve: func(p gql.ResolveParams) (any, error) {
					return base64.StdEncoding.EncodeToString(bt(p.Source).Proof), nil
				}},
				"publicInputs":   strList(func(s any) []string { return bt(s).PublicInputs }),
				"circuit":        str(func(s any) string { return bt(s).Circuit }),
				"circuitVersion": str(func(s any) string { return bt(s).CircuitVersion }),
				"status":         &gql.Field{Type: gql.NewNonNull(batchStatusEnum), Resolve: func(p gql.ResolveParams) (any, error) { return string(bt(p.Source).Status), nil }},
				"createdAt":      str(func(s any) string { return rfc3339(bt(s).CreatedAt) }),
				"anchor": &gql.Field{Type: anchorType, Resolve: func(p gql.ResolveParams) (any, error) {
					return a.resolveAnchor(p.Context, bt(p.Source).ID)
				}},
			}
		}),
	})
	eventType = gql.NewObject(gql.ObjectConfig{
		Name:        "Event",
		Description: "An EPCIS event, as far as it is public.",
		Interfaces:  []*gql.Interface{nodeType},
		Fields: gql.Fields{
			"id":           gid(kindEvent, func(s any) string { return ev(s).e.ID }),
			"eventID":      str(func(s any) string { return ev(s).e.ID }),
			"type":         str(func(s any) string { return ev(s).e.Type }),
			"action":       optStr(func(s any) string { return ev(s).e.Action }),
			"bizStep":      optStr(func(s any) string { return ev(s).c.BizStep }),
			"disposition":  optStr(func(s any) string { return ev(s).c.Disposition }),
			"eventTime":    str(func(s any) string { return rfc3339(ev(s).e.EventTime) }),
			"epcs":         strList(func(s any) []string { return ev(s).c.Products }),
			"status":       &gql.Field{Type: gql.NewNonNull(statusEnum), Resolve: func(p gql.ResolveParams) (any, error) { return string(ev(p.Source).e.Status), nil }},
			"rejectReason": optStr(func(s any) string { return publicReason(ev(s).e.RejectReason) }),
			"claims":       &gql.Field{Type: gql.NewNonNull(claimsType), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source, nil }},
			"batch": &gql.Field{Type: batchType, Resolve: func(p gql.ResolveParams) (any, error) {
				m, err := a.member(p.Context, ev(p.Source).e.ID)
				if err != nil || m == nil {
					return nil, err
				}
				return a.resolveBatch(p.Context, m.BatchID)
			}},
			"inclusionPath": &gql.Field{Type: inclusionType, Resolve: func(p gql.ResolveParams) (any, error) {
				m, err := a.member(p.Context, ev(p.Source).e.ID)
				if err != nil || m == nil {
					return nil, err
				}
				return m, nil
			}},
			"anchor": &gql.Field{Type: anchorType, Resolve: func(p gql.ResolveParams) (any, error) {
				m, err := a.member(p.Context, ev(p.Source).e.ID)
				if err != nil || m == nil {
					return nil, err
				}
				return a.resolveAnchor(p.Context, m.BatchID)
			}},
		},
	})
	eventConnection := connectionOf("Event", func() gql.Output { return eventType })
	pageArgs := gql.FieldConfigArgument{
		"first": &gql.ArgumentConfig{Type: gql.Int, DefaultValue: 20, Description: fmt.Sprintf("page size, 1 to %d", a.cfg.Limits.MaxPageSize)},
		"after": &gql.ArgumentConfig{Type: gql.String, Description: "the endCursor of the previous page"},
	}
	productType = gql.NewObject(gql.ObjectConfig{
		Name:        "Product",
		Description: "A product (EPC, EPC class or GS1 Digital Link, in canonical Digital Link form when it is a GS1 identifier) and its events.",
		Interfaces:  []*gql.Interface{nodeType},
		Fields: gql.Fields{
			"id":        gid(kindProduct, func(s any) string { return s.(*productView).id }),
			"productID": str(func(s any) string { return s.(*productView).id }),
			"events": &gql.Field{Type: gql.NewNonNull(eventConnection), Args: pageArgs, Description: "The product's events in event-time order.",
				Resolve: func(p gql.ResolveParams) (any, error) { return a.productEvents(p, p.Source.(*productView).id) }},
			"verified": &gql.Field{Type: gql.NewNonNull(gql.Boolean), Description: "Whether every event of the product is proven and anchored (none received, proven only or rejected). verifyEvent checks one event in depth.",
				Resolve: func(p gql.ResolveParams) (any, error) {
					return a.productVerified(p.Context, p.Source.(*productView).id)
				}},
		},
	})
	anchorConnection := connectionOf("Anchor", func() gql.Output { return anchorType })
	checkType := gql.NewObject(gql.ObjectConfig{
		Name: "Check",
		Fields: gql.Fields{
			"name":   str(func(s any) string { return s.(Check).Name }),
			"ok":     &gql.Field{Type: gql.NewNonNull(gql.Boolean), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(Check).OK, nil }},
			"detail": str(func(s any) string { return s.(Check).Detail }),
		},
	})
	verificationType := gql.NewObject(gql.ObjectConfig{
		Name:        "Verification",
		Description: "The outcome of verifyEvent: valid when every check passed.",
		Fields: gql.Fields{
			"eventID": str(func(s any) string { return s.(*Verification).EventID }),
			"valid":   &gql.Field{Type: gql.NewNonNull(gql.Boolean), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*Verification).Valid, nil }},
			"checks":  &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(checkType))), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*Verification).Checks, nil }},
		},
	})
	rootType := gql.NewObject(gql.ObjectConfig{
		Name:        "RegistryRoot",
		Description: "A registry root published on the ledger by the Authority.",
		Fields: gql.Fields{
			"kind":      &gql.Field{Type: gql.NewNonNull(kindEnum), Resolve: func(p gql.ResolveParams) (any, error) { return string(p.Source.(chaincode.RootRecord).Kind), nil }},
			"root":      str(func(s any) string { return s.(chaincode.RootRecord).Root }),
			"seq":       &gql.Field{Type: gql.NewNonNull(gql.Int), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(chaincode.RootRecord).Seq, nil }},
			"txID":      str(func(s any) string { return s.(chaincode.RootRecord).TxID }),
			"timestamp": str(func(s any) string { return s.(chaincode.RootRecord).Timestamp }),
		},
	})

	idArg := gql.FieldConfigArgument{"id": &gql.ArgumentConfig{Type: gql.NewNonNull(gql.ID)}}
	query := gql.NewObject(gql.ObjectConfig{
		Name: "Query",
		Fields: gql.Fields{
			"event": &gql.Field{Type: eventType, Args: idArg, Description: "An event by its EPCIS event ID (eventID, or the CBV 2.0 hash ID).",
				Resolve: func(p gql.ResolveParams) (any, error) { return a.resolveEvent(p.Context, p.Args["id"].(string)) }},
			"product": &gql.Field{Type: productType, Args: gql.FieldConfigArgument{"id": &gql.ArgumentConfig{Type: gql.NewNonNull(gql.String)}},
				Description: "A product by any EPC, EPC class or Digital Link URI seen in events; null when no event names it.",
				Resolve:     func(p gql.ResolveParams) (any, error) { return a.resolveProduct(p.Context, p.Args["id"].(string)) }},
			"batch": &gql.Field{Type: batchType, Args: idArg, Description: "A proven batch by its batch ID (its root).",
				Resolve: func(p gql.ResolveParams) (any, error) { return a.resolveBatch(p.Context, p.Args["id"].(string)) }},
			"verifyEvent": &gql.Field{Type: gql.NewNonNull(verificationType), Args: idArg,
				Description: "Re-check an event from scratch: its leaf from its claims, its path to the batch root, the anchor read from the ledger, the proof against the key pinned on the ledger, and the registry roots against those published there.",
				Resolve: func(p gql.ResolveParams) (any, error) {
					v, err := a.VerifyEvent(p.Context, p.Args["id"].(string))
					return v, err
				}},
			"anchors": &gql.Field{Type: gql.NewNonNull(anchorConnection), Args: pageArgs, Description: "Every anchor on the ledger, in batch ID order (read from the ledger).",
				Resolve: a.resolveAnchors},
			"registryRoots": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(rootType))),
				Args:        gql.FieldConfigArgument{"kind": &gql.ArgumentConfig{Type: gql.NewNonNull(kindEnum)}},
				Description: "Every root of a registry published on the ledger, oldest first.",
				Resolve: func(p gql.ResolveParams) (any, error) {
					recs, err := a.cfg.Ledger.Roots(p.Context, p.Args["kind"].(string))
					if errors.Is(err, ledger.ErrNotFound) {
						return []chaincode.RootRecord{}, nil
					}
					return recs, ledgerErr(err)
				}},
			"node": &gql.Field{Type: nodeType, Args: idArg, Description: "Any node by its global ID.",
				Resolve: func(p gql.ResolveParams) (any, error) { return a.resolveNode(p.Context, p.Args["id"].(string)) }},
		},
	})
	return gql.NewSchema(gql.SchemaConfig{Query: query, Types: []gql.Type{eventType, batchType, anchorType, productType}})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ledgerErr gives a ledger failure its code.
func ledgerErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ledger.ErrUnavailable):
		return errorf(CodeLedgerUnavailable, "the ledger is unavailable; try again later")
	case errors.Is(err, context.DeadlineExceeded):
		return errorf(CodeTimeout, "the request took too long")
	default:
		return errorf(CodeInternal, "ledger: %v", err)
	}
}

// storeErr hides a store failure's detail from the client.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errorf(CodeTimeout, "the request took too long")
	}
	return errorf(CodeInternal, "internal error")
}

func (a *API) member(ctx context.Context, eventID string) (*store.BatchMember, error) {
	l, err := loaderFrom(ctx)
	if err != nil {
		return nil, err
	}
	m, err := l.member(ctx, eventID)
	return m, storeErr(err)
}

func (a *API) resolveEvent(ctx context.Context, id string) (any, error) {
	l, err := loaderFrom(ctx)
	if err != nil {
		return nil, err
	}
	if len(id) > 1024 {
		return nil, errorf(CodeBadUserInput, "event ID longer than 1024 characters")
	}
	e, err := l.event(ctx, id)
	if err != nil || e == nil {
		return nil, storeErr(err)
	}
	v, err := newEventView(e)
	if err != nil {
		return nil, storeErr(err)
	}
	return v, nil
}

func (a *API) resolveBatch(ctx context.Context, id string) (any, error) {
	l, err := loaderFrom(ctx)
	if err != nil {
		return nil, err
	}
	b, err := l.batch(ctx, id)
	if err != nil || b == nil || b.Status == store.StatusRejected {
		return nil, storeErr(err)
	}
	return b, nil
}

func (a *API) resolveAnchor(ctx context.Context, batchID string) (any, error) {
	l, err := loaderFrom(ctx)
	if err != nil {
		return nil, err
	}
	an, err := l.anchor(ctx, batchID)
	if err != nil || an == nil {
		return nil, storeErr(err)
	}
	return anchorFromStore(an), nil
}

func (a *API) resolveProduct(ctx context.Context, id string) (any, error) {
	if len(id) > 1024 {
		return nil, errorf(CodeBadUserInput, "product ID longer than 1024 characters")
	}
	p := epcis.NormalizeEPC(id)
	evs, err := a.cfg.Store.ListEventsByProductPublic(ctx, p, store.Cursor{}, 1)
	if err != nil {
		return nil, storeErr(err)
	}
	if len(evs) == 0 {
		return nil, nil
	}
	return &productView{id: p}, nil
}

func (a *API) pageSize(args map[string]any) (int, error) {
	first, _ := args["first"].(int)
	if first < 1 || first > a.cfg.Limits.MaxPageSize {
		return 0, errorf(CodeBadUserInput, "first must be between 1 and %d", a.cfg.Limits.MaxPageSize)
	}
	return first, nil
}

func (a *API) productEvents(p gql.ResolveParams, product string) (any, error) {
	first, err := a.pageSize(p.Args)
	if err != nil {
		return nil, err
	}
	var after store.Cursor
	if s, ok := p.Args["after"].(string); ok && s != "" {
		if after, err = decodeEventCursor(s); err != nil {
			return nil, errorf(CodeBadUserInput, "after: %v", err)
		}
	}
	evs, err := a.cfg.Store.ListEventsByProductPublic(p.Context, product, after, first+1)
	if err != nil {
		return nil, storeErr(err)
	}
	c := &connection{pageInfo: pageInfo{HasPreviousPage: !after.IsZero()}}
	if len(evs) > first {
		evs, c.pageInfo.HasNextPage = evs[:first], true
	}
	l, err := loaderFrom(p.Context)
	if err != nil {
		return nil, err
	}
	if err := l.primeEvents(p.Context, evs); err != nil {
		return nil, storeErr(err)
	}
	for i := range evs {
		v, err := newEventView(&evs[i])
		if err != nil {
			return nil, storeErr(err)
		}
		c.edges = append(c.edges, edge{cursor: encodeEventCursor(evs[i]), node: v})
	}
	if len(c.edges) > 0 {
		c.pageInfo.StartCursor, c.pageInfo.EndCursor = c.edges[0].cursor, c.edges[len(c.edges)-1].cursor
	}
	return c, nil
}

// maxVerifiedScan bounds the events productVerified reads.
const maxVerifiedScan = 10_000

func (a *API) productVerified(ctx context.Context, product string) (bool, error) {
	var after store.Cursor
	seen := 0
	for seen < maxVerifiedScan {
		evs, err := a.cfg.Store.ListEventsByProductPublic(ctx, product, after, 500)
		if err != nil {
			return false, storeErr(err)
		}
		for _, e := range evs {
			if e.Status != store.StatusAnchored {
				return false, nil
			}
		}
		seen += len(evs)
		if len(evs) < 500 {
			return seen > 0, nil
		}
		after = evs[len(evs)-1].Cursor()
	}
	return false, errorf(CodeInternal, "product has more than %d events; verify them one by one", maxVerifiedScan)
}

func (a *API) resolveAnchors(p gql.ResolveParams) (any, error) {
	first, err := a.pageSize(p.Args)
	if err != nil {
		return nil, err
	}
	start := anchorCursor{Index: -1}
	if s, ok := p.Args["after"].(string); ok && s != "" {
		if start, err = decodeAnchorCursor(s); err != nil {
			return nil, errorf(CodeBadUserInput, "after: %v", err)
		}
	}
	c := &connection{pageInfo: pageInfo{HasPreviousPage: start.Index >= 0}}
	bookmark, skip := start.Bookmark, start.Index+1
	var recs []chaincode.AnchorRecord
	var cursors []anchorCursor
	for len(recs) <= first { // one more than asked, to know whether a next page exists
		page, err := a.cfg.Ledger.ListAnchors(p.Context, chaincode.MaxPageSize, bookmark)
		if err != nil {
			return nil, ledgerErr(err)
		}
		for i := skip; i < len(page.Anchors) && len(recs) <= first; i++ {
			recs = append(recs, page.Anchors[i])
			cursors = append(cursors, anchorCursor{Bookmark: bookmark, Index: i})
		}
		if page.Bookmark == "" || len(page.Anchors) == 0 {
			break
		}
		bookmark, skip = page.Bookmark, 0
	}
	if len(recs) > first {
		recs, cursors, c.pageInfo.HasNextPage = recs[:first], cursors[:first], true
	}
	// Block numbers: from the store's records when it has them, else the ledger.
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.BatchID
	}
	known, err := a.cfg.Store.GetAnchors(p.Context, ids)
	if err != nil {
		return nil, storeErr(err)
	}
	for i, r := range recs {
		ts, _ := time.Parse(time.RFC3339Nano, r.Timestamp)
		v := &anchorView{BatchID: r.BatchID, TxID: r.TxID, Channel: a.cfg.Ledger.Channel(), BatchRoot: r.BatchRoot, Timestamp: ts, Submitter: r.Submitter.MSPID}
		if s, ok := known[r.BatchID]; ok && s.TxID == r.TxID {
			v.BlockNumber = s.BlockNumber
		} else if v.BlockNumber, err = a.cfg.Ledger.BlockOf(p.Context, r.TxID); err != nil {
			return nil, ledgerErr(err)
		}
		c.edges = append(c.edges, edge{cursor: encodeAnchorCursor(cursors[i]), node: v})
	}
	if len(c.edges) > 0 {
		c.pageInfo.StartCursor, c.pageInfo.EndCursor = c.edges[0].cursor, c.edges[len(c.edges)-1].cursor
	}
	return c, nil
}

func (a *API) resolveNode(ctx context.Context, id string) (any, error) {
	kind, key, err := parseGlobalID(id)
	if err != nil {
		return nil, errorf(CodeBadUserInput, "id: %v", err)
	}
	switch kind {
	case kindEvent:
		return a.resolveEvent(ctx, key)
	case kindBatch:
		return a.resolveBatch(ctx, key)
	case kindProduct:
		return a.resolveProduct(ctx, key)
	case kindAnchor:
		return a.resolveAnchor(ctx, key)
	}
	return nil, errorf(CodeBadUserInput, "id: unknown node kind")
}
