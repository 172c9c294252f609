package epcis

import (
	"errors"
	"fmt"
	"slices"
	"strings"
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

// hashTreeBuilder turns a JSON event into the canonical tree.
type hashTreeBuilder struct {
	ctx    Context
	ignore map[string]bool
	// xmlns holds namespaces declared with "@xmlns:prefix" members (JSON
	// converted from XML). Like the reference, a declaration applies to
	// everything built after it.
	xmlns map[string]string
}

// namespace returns the "{iri}" form of a prefix declared in the event's
// own "@xmlns" members or in the context. Like the reference, prefixes that
// only the standard EPCIS context defines (gs1, cbv, …) are not expanded
// unless the document declares them itself.
func (b *hashTreeBuilder) namespace(prefix string) (string, bool) {
	if ns, ok := b.xmlns[prefix]; ok {
		return ns, true
	}
	if b.ctx.Declared(prefix) {
		iri, _ := b.ctx.Namespace(prefix)
		return "{" + iri + "}", true
	}
	return "", false
}

// expandKey writes a prefixed member name as "{namespace}local".
func (b *hashTreeBuilder) expandKey(key string) string {
	prefix, local, ok := strings.Cut(key, ":")
	if !ok {
		return key
	}
	if ns, ok := b.namespace(prefix); ok {
		return ns + local
	}
	return key
}

// expandValue expands a compact IRI value with a known prefix.
func (b *hashTreeBuilder) expandValue(s string) string {
	prefix, local, ok := strings.Cut(s, ":")
	if !ok {
		return s
	}
	if ns, ok := b.namespace(prefix); ok {
		return strings.NewReplacer("{", "", "}", "").Replace(ns) + local
	}
	return s
}

func (b *hashTreeBuilder) build(v *hashJSON, top bool, depth int) (*hashNode, error) {
	if depth > hashMaxDepth {
		return nil, errHashTooDeep
	}
	switch v.kind {
	case hashJSONArray:
		n := &hashNode{}
		for _, item := range v.arr {
			c, err := b.build(item, false, depth+1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, c)
		}
		sorted := true
		for _, item := range v.arr {
			if item.kind == hashJSONString && slices.Contains(hashUnsortedKeys, item.s) {
				sorted = false
			}
		}
		if sorted {
			if err := sortHashNodes(n.kids); err != nil {
				return nil, err
			}
		}
		return n, nil
	case hashJSONObject:
		return b.buildObject(v, top, depth)
	case hashJSONString:
		return &hashNode{value: b.expandValue(v.s)}, nil
	case hashJSONNumber:
		return &hashNode{value: pyNumberText(v.s)}, nil
	case hashJSONBool:
		if v.b {
			return &hashNode{value: "True"}, nil
		}
		return &hashNode{value: "False"}, nil
	default:
		return &hashNode{value: "None"}, nil
	}
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
	n := &hashNode{}
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
			b.xmlns[string([]rune(key)[min(7, len([]rune(key))):])] = "{" + val.s + "}"
			n.name = b.expandKey(n.name)
			continue
		}
		child, err := b.build(val, false, depth+1)
		if err != nil {
			return nil, err
		}
		name := b.expandKey(key)
		if val.kind == hashJSONArray {
			for _, e := range child.kids {
				n.kids = append(n.kids, &hashNode{name: name, value: e.value, kids: e.kids, badValue: e.badValue, truthy: e.truthy})
			}
		} else {
			n.kids = append(n.kids, &hashNode{name: name, value: child.value, kids: child.kids, badValue: child.badValue, truthy: child.truthy})
		}
	}
	if sorted {
		if err := sortHashNodes(n.kids); err != nil {
			return nil, err
		}
	}
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

// correctHashStructure maps the JSON shape of lists onto the XML shape the
// canonical property order is written for.
func correctHashStructure(n *hashNode, depth int) (*hashNode, error) {
	if depth > hashMaxDepth {
		return nil, errHashTooDeep
	}
	var kids []*hashNode
	var listNames []string
	lists := map[string][]*hashNode{}
	for _, k := range n.kids {
		if strings.HasSuffix(k.name, "List") {
			if _, ok := lists[k.name]; !ok {
				listNames = append(listNames, k.name)
			}
			lists[k.name] = append(lists[k.name], &hashNode{name: strings.TrimSuffix(k.name, "List"), value: k.value, kids: k.kids, badValue: k.badValue, truthy: k.truthy})
			continue
		}
		kids = append(kids, k)
	}
	for _, name := range listNames {
		members := lists[name]
		if slices.Contains(hashPairLists, name) {
			pairs := make([]*hashNode, 0, len(members))
			for _, m := range members {
				if len(m.kids) == 0 && m.value != "" {
					return nil, fmt.Errorf("%s entry %q is not an object", name, m.value)
				}
				pairs = append(pairs, &hashNode{pair: true, kids: m.kids[:min(2, len(m.kids))]})
			}
			members = pairs
		}
		kids = append(kids, &hashNode{name: name, kids: members})
	}
	var childEPCs []*hashNode
	rest := kids[:0:0]
	for _, k := range kids {
		if k.name == "childEPCs" {
			childEPCs = append(childEPCs, &hashNode{name: "epc", value: k.value, badValue: k.badValue, truthy: k.truthy})
			continue
		}
		rest = append(rest, k)
	}
	if len(childEPCs) > 0 {
		rest = append(rest, &hashNode{name: "childEPCs", kids: childEPCs})
	}
	out := &hashNode{name: n.name, value: n.value, kids: make([]*hashNode, 0, len(rest)), badValue: n.badValue, truthy: n.truthy}
	for _, k := range rest {
		if slices.Contains(hashPairLists, k.name) {
			out.kids = append(out.kids, k)
			continue
		}
		c, err := correctHashStructure(k, depth+1)
		if err != nil {
			return nil, err
		}
		out.kids = append(out.kids, c)
	}
	switch {
	case out.name == "inputEPC" || out.name == "outputEPC":
		out.name = "epc"
	case out.name == "inputQuantity" || out.name == "outputQuantity" || out.name == "childQuantity" ||
		(out.name == "quantity" && len(out.kids) > 0):
		out.name = "quantityElement"
	}
	return out, nil
}

// hashSerializer writes the pre-hash string of a corrected tree. It
// consumes the tree: fields written in canonical order are removed, so
// that only the rest is written afterwards.
type hashSerializer struct{}

func (s hashSerializer) event(n *hashNode) (string, error) {
	ordered, err := s.inOrder(&n.kids, hashPropertyOrder)
	if err != nil {
		return "", err
	}
	var rest []*hashNode
	for _, k := range n.kids {
		if k.pair || !slices.Contains(hashIgnoredTopFields, k.name) {
			rest = append(rest, k)
		}
	}
	generic, err := s.generic(rest)
	if err != nil {
		return "", err
	}
	return "eventType=" + n.name + ordered + generic, nil
}

// inOrder writes the children of a field in the given order and removes
// the children it has written completely.
func (s hashSerializer) inOrder(list *[]*hashNode, order []hashOrderItem) (string, error) {
	var b strings.Builder
	extensions := gatherHashExtensions(list)
	for _, item := range order {
		var values []string
		for _, child := range slices.Clone(*list) {
			if item.never || child.pair || child.name != item.name {
				continue
			}
			text, err := s.field(child, item.sub)
			if err != nil {
				return "", err
			}
			if text != "" {
				values = append(values, text)
			}
			if len(child.kids) == 0 {
				removeHashNode(list, child)
			}
		}
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(v)
		}
	}
	if len(extensions) > 0 {
		text, err := s.generic(extensions)
		if err != nil {
			return "", err
		}
		b.WriteString(text)
	}
	return b.String(), nil
}

func removeHashNode(list *[]*hashNode, n *hashNode) {
	if i := slices.Index(*list, n); i >= 0 {
		*list = slices.Delete(*list, i, i+1)
	}
}

// gatherHashExtensions takes the user extensions ({namespace}local
// members) out of a standard field's children so that they are written
// after its standard members. The event level itself is recognised by an
// eventTime or action member and left alone.
func gatherHashExtensions(list *[]*hashNode) []*hashNode {
	if len(*list) <= 1 {
		return nil
	}
	for _, c := range *list {
		if hashNodeMentions(c, "eventTime") || hashNodeMentions(c, "action") {
			return nil
		}
	}
	var ext, rest []*hashNode
	for _, c := range *list {
		if hashNodeMentions(c, "{") && hashNodeMentions(c, "/}") {
			ext = append(ext, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(ext) > 0 {
		*list = rest
	}
	return ext
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
// its children in their order.
func (s hashSerializer) field(n *hashNode, sub []hashOrderItem) (string, error) {
	var children string
	if len(sub) > 0 {
		var err error
		if children, err = s.inOrder(&n.kids, sub); err != nil {
			return "", err
		}
	}
	if n.badValue && n.truthy {
		return "", errHashTextNotString
	}
	text := ""
	if n.value != "" {
		text = pyStrip(n.value)
		lower := strings.ToLower(n.name)
		var err error
		if strings.Contains(lower, "time") && !strings.Contains(lower, "offset") {
			text, err = canonicalHashTime(text)
		} else {
			text, err = canonicalHashValue(text)
		}
		if err != nil {
			return "", fmt.Errorf("%s %q: %w", n.name, n.value, err)
		}
		if text != "" {
			text = "=" + text
		}
	}
	if text == "" && children == "" {
		return "", nil
	}
	return n.name + text + children, nil
}

// generic writes fields outside the canonical order: name=value and
// children for every node, sorted unless a bizTransaction, source or
// destination member is among them.
func (s hashSerializer) generic(nodes []*hashNode) (string, error) {
	values := make([]string, 0, len(nodes))
	for _, n := range nodes {
		if n.pair {
			text, err := s.generic(n.kids)
			if err != nil {
				return "", err
			}
			values = append(values, text)
			continue
		}
		if n.badValue {
			return "", errHashTextNotString
		}
		text := pyStrip(n.value)
		if text != "" {
			v, err := canonicalHashValue(text)
			if err != nil {
				return "", fmt.Errorf("%s %q: %w", n.name, n.value, err)
			}
			text = "=" + v
		}
		children, err := s.generic(n.kids)
		if err != nil {
			return "", err
		}
		values = append(values, n.name+text+children)
	}
	if len(nodes) > 1 && !slices.ContainsFunc(nodes, func(n *hashNode) bool {
		return !n.pair && slices.Contains(hashUnsortedKeys, n.name)
	}) {
		slices.Sort(values)
	}
	return strings.Join(values, ""), nil
}
