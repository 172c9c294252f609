package epcis

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// The canonical pre-hash string of the CBV 2.0 event hash, built the way the
// GS1 reference implementation builds it so that hashes agree byte for byte:
//
//  1. The event becomes a tree of (name, value, children) nodes, the shape
//     the reference gets from EPCIS XML: list members repeat the list's
//     name, prefixed names become "{namespace}local", and children are
//     sorted (except in objects that hold a bizTransaction, source or
//     destination member, which keep their order).
//  2. List structure is corrected to the XML model: "fooList" holds "foo"
//     children, inputEPCList/outputEPCList/childEPCs hold "epc",
//     quantity lists hold "quantityElement", and bizTransaction, source and
//     destination entries become pairs of their first two members.
//  3. The standard fields are written in the canonical property order,
//     each repeated field's strings sorted; what they leave over (lists of
//     pairs, ILMD, user extensions, unknown members) follows, sorted.

// hashNode is a node of the canonical tree. A pair node (pair true) holds
// the first two members of a bizTransaction, source or destination entry
// in kids and has no name or value.
type hashNode struct {
	name    string
	value   string
	kids    []*hashNode
	pair    bool
	badName bool // the object's "type" was not a string
	// badValue is set when "#text" was not a string; truthy says whether
	// Python would take it for true (only such a value is ever used).
	badValue, truthy bool
}

// hashOrderItem is one entry of a canonical property order: a field name
// and the order of its children. A never item matches no field (the
// reference's order for pair lists); its list is still walked for user
// extensionFields.
type hashOrderItem struct {
	name  string
	sub   []hashOrderItem
	never bool
}

var (
	hashQuantityOrder = []hashOrderItem{{name: "quantityElement", sub: []hashOrderItem{
		{name: "epcClass"}, {name: "quantity"}, {name: "uom"},
	}}}
	hashEPCOrder  = []hashOrderItem{{name: "epc"}}
	hashPairOrder = []hashOrderItem{{never: true}}

	// hashPropertyOrder is the canonical property order of CBV 2.0
	// (section "Event hash ID"), as the reference applies it.
	hashPropertyOrder = []hashOrderItem{
		{name: "eventTime"},
		{name: "eventTimeZoneOffset"},
		{name: "certificationInfo"},
		{name: "parentID"},
		{name: "epcList", sub: hashEPCOrder},
		{name: "inputEPCList", sub: hashEPCOrder},
		{name: "childEPCs", sub: hashEPCOrder},
		{name: "quantityList", sub: hashQuantityOrder},
		{name: "childQuantityList", sub: hashQuantityOrder},
		{name: "inputQuantityList", sub: hashQuantityOrder},
		{name: "outputEPCList", sub: hashEPCOrder},
		{name: "outputQuantityList", sub: hashQuantityOrder},
		{name: "action"},
		{name: "transformationID"},
		{name: "bizStep"},
		{name: "disposition"},
		{name: "persistentDisposition", sub: []hashOrderItem{{name: "set"}, {name: "unset"}}},
		{name: "readPoint", sub: []hashOrderItem{{name: "id"}}},
		{name: "bizLocation", sub: []hashOrderItem{{name: "id"}}},
		{name: "bizTransactionList", sub: hashPairOrder},
		{name: "sourceList", sub: hashPairOrder},
		{name: "destinationList", sub: hashPairOrder},
		{name: "sensorElementList", sub: []hashOrderItem{{name: "sensorElement", sub: []hashOrderItem{
			{name: "sensorMetadata", sub: []hashOrderItem{
				{name: "time"}, {name: "startTime"}, {name: "endTime"}, {name: "deviceID"},
				{name: "deviceMetadata"}, {name: "rawData"}, {name: "dataProcessingMethod"}, {name: "bizRules"},
			}},
			{name: "sensorReport", sub: []hashOrderItem{
				{name: "type"}, {name: "exception"}, {name: "deviceID"}, {name: "deviceMetadata"},
				{name: "rawData"}, {name: "dataProcessingMethod"}, {name: "time"}, {name: "microorganism"},
				{name: "chemicalSubstance"}, {name: "value"}, {name: "component"}, {name: "stringValue"},
				{name: "booleanValue"}, {name: "hexBinaryValue"}, {name: "uriValue"}, {name: "minValue"},
				{name: "maxValue"}, {name: "meanValue"}, {name: "sDev"}, {name: "percRank"},
				{name: "percValue"}, {name: "uom"}, {name: "coordinateReferenceSystem"},
			}},
		}}}},
	}

	// hashIgnoredTopFields never take part in the hash.
	hashIgnoredTopFields = []string{"recordTime", "eventID", "type", "errorDeclaration"}
	// hashIgnoredKeys are dropped at every level (comments, XML text).
	hashIgnoredKeys = []string{"#text", "rdfs:comment", "comment"}
	// hashUnsortedKeys keep an object's members in document order.
	hashUnsortedKeys = []string{"bizTransaction", "source", "destination"}
	// hashPairLists are the lists whose entries become pairs.
	hashPairLists = []string{"sourceList", "destinationList", "bizTransactionList"}
)

var errHashTextNotString = errors.New(`"#text" is not a string`)

// hashTreeBuilder turns a JSON event into the canonical tree and corrects
// its structure. Nodes and their child lists are carved out of slabs.
type hashTreeBuilder struct {
	ctx    Context
	ignore map[string]bool
	// xmlns holds the namespace IRIs declared with "@xmlns:prefix" members
	// (JSON converted from XML). Like the reference, a declaration applies
	// to everything built after it.
	xmlns map[string]string

	nodes hashSlab[hashNode]
	lists hashSlab[*hashNode]
	stack []*hashNode    // children of the nodes being built or corrected
	group []*hashNode    // list members being grouped by correct
	names map[string]int // list names of a node with many lists, reused
}

// newHashTreeBuilder returns a builder for an event of the given number
// of JSON values.
func newHashTreeBuilder(ctx Context, ignore map[string]bool, values int) *hashTreeBuilder {
	// A value becomes at most one node; correct adds a few.
	chunk := values + 8
	return &hashTreeBuilder{
		ctx:    ctx,
		ignore: ignore,
		nodes:  hashSlab[hashNode]{chunk: chunk},
		lists:  hashSlab[*hashNode]{chunk: chunk},
		stack:  make([]*hashNode, 0, 32),
		group:  make([]*hashNode, 0, 16),
	}
}

func (b *hashTreeBuilder) node(n hashNode) *hashNode {
	p := b.nodes.new()
	*p = n
	return p
}

// pop returns the children pushed on the stack since base, and removes
// them.
func (b *hashTreeBuilder) pop(base int) []*hashNode {
	kids := b.lists.take(b.stack[base:])
	b.stack = b.stack[:base]
	return kids
}

// namespace returns the IRI of a prefix declared in the event's own
// "@xmlns" members or in the context. Like the reference, prefixes that
// only the standard EPCIS context defines (gs1, cbv, …) are not expanded
// unless the document declares them itself.
func (b *hashTreeBuilder) namespace(prefix string) (string, bool) {
	if iri, ok := b.xmlns[prefix]; ok {
		return iri, true
	}
	if b.ctx.Declared(prefix) {
		return b.ctx.Namespace(prefix)
	}
	return "", false
}

// expandKey writes a prefixed member name as "{namespace}local".
func (b *hashTreeBuilder) expandKey(key string) string {
	prefix, local, ok := strings.Cut(key, ":")
	if !ok {
		return key
	}
	if iri, ok := b.namespace(prefix); ok {
		return "{" + iri + "}" + local
	}
	return key
}

// expandValue expands a compact IRI value with a known prefix; braces in
// the namespace IRI are dropped, as the reference drops them from
// "{namespace}".
func (b *hashTreeBuilder) expandValue(s string) string {
	prefix, local, ok := strings.Cut(s, ":")
	if !ok {
		return s
	}
	iri, ok := b.namespace(prefix)
	if !ok {
		return s
	}
	if !strings.ContainsAny(iri, "{}") {
		return iri + local
	}
	buf := make([]byte, 0, len(iri)+len(local))
	for i := 0; i < len(iri); i++ {
		if c := iri[i]; c != '{' && c != '}' {
			buf = append(buf, c)
		}
	}
	return string(append(buf, local...))
}

func (b *hashTreeBuilder) build(v *hashJSON, top bool, depth int) (*hashNode, error) {
	if depth > hashMaxDepth {
		return nil, errHashTooDeep
	}
	switch v.kind {
	case hashJSONArray:
		base := len(b.stack)
		if err := b.buildItems(v, depth); err != nil {
			return nil, err
		}
		return b.node(hashNode{kids: b.pop(base)}), nil
	case hashJSONObject:
		return b.buildObject(v, top, depth)
	case hashJSONString:
		return b.node(hashNode{value: b.expandValue(v.s)}), nil
	case hashJSONNumber:
		return b.node(hashNode{value: pyNumberText(v.s)}), nil
	case hashJSONBool:
		if v.b {
			return b.node(hashNode{value: "True"}), nil
		}
		return b.node(hashNode{value: "False"}), nil
	default:
		return b.node(hashNode{value: "None"}), nil
	}
}

// buildItems pushes the nodes of the items of the array v, at depth,
// sorted unless one of them is a string naming a bizTransaction, source or
// destination member.
func (b *hashTreeBuilder) buildItems(v *hashJSON, depth int) error {
	base := len(b.stack)
	sorted := true
	for _, item := range v.arr {
		c, err := b.build(item, false, depth+1)
		if err != nil {
			return err
		}
		b.stack = append(b.stack, c)
		if item.kind == hashJSONString && slices.Contains(hashUnsortedKeys, item.s) {
			sorted = false
		}
	}
	if sorted {
		return sortHashNodes(b.stack[base:])
	}
	return nil
}

func (b *hashTreeBuilder) buildObject(v *hashJSON, top bool, depth int) (*hashNode, error) {
	if c, ok := v.get("@context"); ok && !top {
		// A nested JSON-LD context scopes its prefixes to this object. One
		// that is not a context is ignored, as the reference hashes such
		// objects where JSON-LD expansion skips them.
		if inner, err := ParseContext(c.encode(nil)); err == nil {
			outer := b.ctx
			b.ctx = b.ctx.Merge(inner)
			defer func() { b.ctx = outer }()
		}
	}
	n := b.node(hashNode{})
	if t, ok := v.get("type"); ok {
		if t.kind == hashJSONString {
			n.name = t.s
		} else {
			n.badName = true
		}
	}
	if t, ok := v.get("#text"); ok {
		if t.kind == hashJSONString {
			n.value = t.s
		} else {
			n.badValue, n.truthy = true, t.pythonTruthy()
		}
	}
	base := len(b.stack)
	sorted := true
	for i, key := range v.keys {
		if slices.Contains(hashUnsortedKeys, key) {
			sorted = false
		}
		if slices.Contains(hashIgnoredKeys, key) || (top && b.ignore[key]) || key == "@context" {
			continue
		}
		val := v.vals[i]
		if strings.HasPrefix(key, "@xmlns") {
			if val.kind != hashJSONString {
				return nil, fmt.Errorf("%q is not a string", key)
			}
			if b.xmlns == nil {
				b.xmlns = map[string]string{}
			}
			b.xmlns[string([]rune(key)[min(7, len([]rune(key))):])] = val.s
			n.name = b.expandKey(n.name)
			continue
		}
		// A member's value becomes a child named by the member; an
		// array's items each become one. The key is expanded after the
		// value is built, which may declare namespaces.
		if val.kind == hashJSONArray {
			if depth+1 > hashMaxDepth {
				return nil, errHashTooDeep
			}
			start := len(b.stack)
			if err := b.buildItems(val, depth+1); err != nil {
				return nil, err
			}
			name := b.expandKey(key)
			for _, c := range b.stack[start:] {
				c.name, c.badName = name, false
			}
			continue
		}
		c, err := b.build(val, false, depth+1)
		if err != nil {
			return nil, err
		}
		c.name, c.badName = b.expandKey(key), false
		b.stack = append(b.stack, c)
	}
	if sorted {
		if err := sortHashNodes(b.stack[base:]); err != nil {
			return nil, err
		}
	}
	n.kids = b.pop(base)
	return n, nil
}

// compareHashNodes orders nodes as Python orders (name, value, children)
// tuples.
func compareHashNodes(a, b *hashNode) int {
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	if c := strings.Compare(a.value, b.value); c != 0 {
		return c
	}
	return slices.CompareFunc(a.kids, b.kids, compareHashNodes)
}

func sortHashNodes(nodes []*hashNode) error {
	if len(nodes) < 2 {
		return nil
	}
	for _, n := range nodes {
		if n.badName {
			return errors.New(`an object in a list has a "type" that is not a string`)
		}
	}
	slices.SortStableFunc(nodes, compareHashNodes)
	return nil
}

// hashListGroupMin is the number of list members from which correct
// groups them by name with a map rather than by repeated scans.
const hashListGroupMin = 32

// correct maps the JSON shape of lists onto the XML shape the canonical
// property order is written for, in place: the members of each "fooList"
// child become "foo" children of one "fooList" node (pairs for
// bizTransaction, source and destination lists), and childEPCs children
// become "epc" children of one "childEPCs" node.
func (b *hashTreeBuilder) correct(n *hashNode, depth int) error {
	if depth > hashMaxDepth {
		return errHashTooDeep
	}
	base := len(b.stack)
	b.group = b.group[:0]
	hasEPCs := false
	for _, k := range n.kids {
		switch {
		case strings.HasSuffix(k.name, "List"):
			b.group = append(b.group, k)
		case k.name == "childEPCs":
			hasEPCs = true
		default:
			b.stack = append(b.stack, k)
		}
	}
	if len(b.group) > 0 {
		if err := b.groupLists(); err != nil {
			return err
		}
	}
	if hasEPCs {
		start := len(b.stack)
		for _, k := range n.kids {
			if k.name == "childEPCs" {
				*k = hashNode{name: "epc", value: k.value, badValue: k.badValue, truthy: k.truthy}
				b.stack = append(b.stack, k)
			}
		}
		b.stack = append(b.stack, b.node(hashNode{name: "childEPCs", kids: b.pop(start)}))
	}
	// The corrected children are no more than the old ones.
	n.kids = append(n.kids[:0], b.stack[base:]...)
	b.stack = b.stack[:base]
	for _, k := range n.kids {
		if slices.Contains(hashPairLists, k.name) {
			continue
		}
		if err := b.correct(k, depth+1); err != nil {
			return err
		}
	}
	switch {
	case n.name == "inputEPC" || n.name == "outputEPC":
		n.name = "epc"
	case n.name == "inputQuantity" || n.name == "outputQuantity" || n.name == "childQuantity" ||
		(n.name == "quantity" && len(n.kids) > 0):
		n.name = "quantityElement"
	}
	return nil
}

// groupLists pushes one node for each list name among the members in
// b.group, in order of first appearance, holding that list's members in
// order.
func (b *hashTreeBuilder) groupLists() error {
	members := b.group
	contiguous := false
	if len(members) >= hashListGroupMin {
		// Order the members by the first appearance of their name, which
		// keeps each list's members together and in order.
		if b.names == nil {
			b.names = make(map[string]int, len(members))
		}
		defer clear(b.names)
		type member struct {
			first int // index of the first member of the same list
			node  *hashNode
		}
		byFirst := make([]member, len(members))
		for i, m := range members {
			j, ok := b.names[m.name]
			if !ok {
				j = i
				b.names[m.name] = i
			}
			byFirst[i] = member{j, m}
		}
		slices.SortStableFunc(byFirst, func(x, y member) int { return x.first - y.first })
		for i, m := range byFirst {
			members[i] = m.node
		}
		contiguous = true
	}
	for i, m := range members {
		if m == nil {
			continue
		}
		name := m.name
		start := len(b.stack)
		for j := i; j < len(members); j++ {
			k := members[j]
			if k == nil {
				continue
			}
			if k.name != name {
				if contiguous {
					break
				}
				continue
			}
			members[j] = nil
			b.stack = append(b.stack, k)
		}
		pairs := slices.Contains(hashPairLists, name)
		for _, k := range b.stack[start:] {
			k.name, k.badName = strings.TrimSuffix(name, "List"), false
			if pairs {
				if len(k.kids) == 0 && k.value != "" {
					return fmt.Errorf("%s entry %q is not an object", name, k.value)
				}
				*k = hashNode{pair: true, kids: k.kids[:min(2, len(k.kids))]}
			}
		}
		b.stack = append(b.stack, b.node(hashNode{name: name, kids: b.pop(start)}))
	}
	return nil
}

// hashSerializer writes the pre-hash string of a corrected tree into buf.
// It consumes the tree: fields written in canonical order are removed, so
// that only the rest is written afterwards. Where the reference sorts
// strings and joins them, the serializer writes each string into buf,
// records its span, and sorts the spans.
type hashSerializer struct {
	buf   []byte
	spans []hashSpan // spans of the strings being sorted, by level
	tmp   []byte     // copy of a region whose spans are being reordered
	lists hashSlab[*hashNode]
}

// hashSpan is buf[start:end].
type hashSpan struct{ start, end int }

// sortSpans sorts the strings in spans, which tile buf[from:], by their
// bytes.
func (s *hashSerializer) sortSpans(from int, spans []hashSpan) {
	cmp := func(a, b hashSpan) int {
		return bytes.Compare(s.buf[a.start:a.end], s.buf[b.start:b.end])
	}
	if len(spans) < 2 || slices.IsSortedFunc(spans, cmp) {
		return
	}
	slices.SortFunc(spans, cmp)
	s.tmp = append(s.tmp[:0], s.buf[from:]...)
	w := from
	for _, sp := range spans {
		w += copy(s.buf[w:], s.tmp[sp.start-from:sp.end-from])
	}
}

func (s *hashSerializer) event(n *hashNode) error {
	s.buf = append(s.buf, "eventType="...)
	s.buf = append(s.buf, n.name...)
	if err := s.inOrder(&n.kids, hashPropertyOrder); err != nil {
		return err
	}
	rest := n.kids[:0]
	for _, k := range n.kids {
		if k.pair || !slices.Contains(hashIgnoredTopFields, k.name) {
			rest = append(rest, k)
		}
	}
	return s.generic(rest)
}

// inOrder writes the children of a field in the given order and removes
// the children it has written completely.
func (s *hashSerializer) inOrder(list *[]*hashNode, order []hashOrderItem) error {
	extensions := s.gatherExtensions(list)
	for _, item := range order {
		if item.never {
			continue
		}
		from, spans := len(s.buf), len(s.spans)
		kept := (*list)[:0]
		for _, child := range *list {
			if child.pair || child.name != item.name {
				kept = append(kept, child)
				continue
			}
			start := len(s.buf)
			if err := s.field(child, item.sub); err != nil {
				return err
			}
			if len(s.buf) > start {
				s.spans = append(s.spans, hashSpan{start, len(s.buf)})
			}
			if len(child.kids) > 0 {
				kept = append(kept, child)
			}
		}
		*list = kept
		s.sortSpans(from, s.spans[spans:])
		s.spans = s.spans[:spans]
	}
	if len(extensions) > 0 {
		return s.generic(extensions)
	}
	return nil
}

// gatherExtensions takes the user extensions ({namespace}local members)
// out of a standard field's children so that they are written after its
// standard members. The event level itself is recognised by an eventTime
// or action member and left alone.
func (s *hashSerializer) gatherExtensions(list *[]*hashNode) []*hashNode {
	if len(*list) <= 1 {
		return nil
	}
	ext := 0
	for _, c := range *list {
		if hashNodeMentions(c, "eventTime") || hashNodeMentions(c, "action") {
			return nil
		}
		if hashNodeIsExtension(c) {
			ext++
		}
	}
	if ext == 0 {
		return nil
	}
	exts := s.lists.make(ext)[:0]
	rest := (*list)[:0]
	for _, c := range *list {
		if hashNodeIsExtension(c) {
			exts = append(exts, c)
		} else {
			rest = append(rest, c)
		}
	}
	*list = rest
	return exts
}

// hashNodeIsExtension reports whether n is a user extension.
func hashNodeIsExtension(n *hashNode) bool {
	return hashNodeMentions(n, "{") && hashNodeMentions(n, "/}")
}

// hashNodeMentions is the reference's `s in child[0]`: a substring test on
// a node's name, and for a pair a test for equality with its first
// member's name or value.
func hashNodeMentions(n *hashNode, s string) bool {
	if !n.pair {
		return strings.Contains(n.name, s)
	}
	if len(n.kids) == 0 {
		return false
	}
	return n.kids[0].name == s || n.kids[0].value == s
}

// field writes one field of the canonical order: name=value followed by
// its children in their order, or nothing when it has neither.
func (s *hashSerializer) field(n *hashNode, sub []hashOrderItem) error {
	start := len(s.buf)
	s.buf = append(s.buf, n.name...)
	// The value is written before the children, but its errors come after
	// theirs.
	var valueErr error
	if n.value != "" && !(n.badValue && n.truthy) {
		at := len(s.buf)
		s.buf = append(s.buf, '=')
		text := pyStrip(n.value)
		if hashIsTimeName(n.name) {
			s.buf, valueErr = appendCanonicalHashTime(s.buf, text)
		} else {
			var v string
			v, valueErr = canonicalHashValue(text)
			s.buf = append(s.buf, v...)
		}
		if valueErr != nil || len(s.buf) == at+1 {
			s.buf = s.buf[:at]
		}
	}
	end := len(s.buf)
	if len(sub) > 0 {
		if err := s.inOrder(&n.kids, sub); err != nil {
			return err
		}
	}
	if n.badValue && n.truthy {
		return errHashTextNotString
	}
	if valueErr != nil {
		return fmt.Errorf("%s %q: %w", n.name, n.value, valueErr)
	}
	if end == start+len(n.name) && len(s.buf) == end {
		s.buf = s.buf[:start]
	}
	return nil
}

// hashIsTimeName reports whether a field holds a timestamp: its name, in
// lower case, contains "time" but not "offset".
func hashIsTimeName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			lower := strings.ToLower(name)
			return strings.Contains(lower, "time") && !strings.Contains(lower, "offset")
		}
	}
	return hashContainsLower(name, "time") && !hashContainsLower(name, "offset")
}

// hashContainsLower reports whether the ASCII string s, in lower case,
// contains the lower-case substr.
func hashContainsLower(s, substr string) bool {
	for i := 0; i+len(substr) <= len(s); i++ {
		j := 0
		for j < len(substr) {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != substr[j] {
				break
			}
			j++
		}
		if j == len(substr) {
			return true
		}
	}
	return false
}

// generic writes fields outside the canonical order: name=value and
// children for every node, sorted unless a bizTransaction, source or
// destination member is among them.
func (s *hashSerializer) generic(nodes []*hashNode) error {
	from, spans := len(s.buf), len(s.spans)
	for _, n := range nodes {
		start := len(s.buf)
		if n.pair {
			if err := s.generic(n.kids); err != nil {
				return err
			}
		} else {
			if n.badValue {
				return errHashTextNotString
			}
			s.buf = append(s.buf, n.name...)
			if text := pyStrip(n.value); text != "" {
				v, err := canonicalHashValue(text)
				if err != nil {
					return fmt.Errorf("%s %q: %w", n.name, n.value, err)
				}
				s.buf = append(s.buf, '=')
				s.buf = append(s.buf, v...)
			}
			if err := s.generic(n.kids); err != nil {
				return err
			}
		}
		s.spans = append(s.spans, hashSpan{start, len(s.buf)})
	}
	if len(nodes) > 1 && !slices.ContainsFunc(nodes, func(n *hashNode) bool {
		return !n.pair && slices.Contains(hashUnsortedKeys, n.name)
	}) {
		s.sortSpans(from, s.spans[spans:])
	}
	s.spans = s.spans[:spans]
	return nil
}
