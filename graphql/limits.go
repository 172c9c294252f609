package graphql

import (
	"strconv"

	"github.com/graphql-go/graphql/language/ast"
)

// cost is what a query would cost, measured on its syntax tree before it
// runs.
type cost struct {
	depth         int
	complexity    int
	aliases       int
	introspection bool
}

// measure walks the operation's selections, expanding fragments (the
// introspection fields __schema and __type are only noted): depth is
// the deepest field nesting; complexity counts fields, the fields under a
// paginated field counting once per item it may return (its first
// argument, or the default page size); aliases counts aliased fields.
func measure(doc *ast.Document, op *ast.OperationDefinition, vars map[string]any, defaultPage int) cost {
	frags := map[string]*ast.FragmentDefinition{}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			frags[f.Name.Value] = f
		}
	}
	var c cost
	const capComplexity = 1 << 30
	var walk func(ss *ast.SelectionSet, depth int, seen map[string]bool) int
	walk = func(ss *ast.SelectionSet, depth int, seen map[string]bool) int {
		if ss == nil {
			return 0
		}
		total := 0
		for _, sel := range ss.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				name := ""
				if s.Name != nil {
					name = s.Name.Value
				}
				if name == "__schema" || name == "__type" {
					// Introspection is allowed or not as a whole; its
					// answer is bounded by the schema, not by the query.
					c.introspection = true
					total++
					continue
				}
				if s.Alias != nil && s.Alias.Value != "" && s.Alias.Value != name {
					c.aliases++
				}
				if depth+1 > c.depth {
					c.depth = depth + 1
				}
				mult := 1
				if s.SelectionSet != nil {
					if n, ok := pageArg(s.Arguments, vars); ok {
						mult = n
					} else if isConnectionField(name) {
						mult = defaultPage
					}
				}
				total += 1 + mult*walk(s.SelectionSet, depth+1, seen)
			case *ast.InlineFragment:
				total += walk(s.SelectionSet, depth, seen)
			case *ast.FragmentSpread:
				if s.Name == nil || seen[s.Name.Value] {
					continue // a cycle: validation reports it
				}
				if f, ok := frags[s.Name.Value]; ok {
					seen[s.Name.Value] = true
					total += walk(f.SelectionSet, depth, seen)
					delete(seen, s.Name.Value)
				}
			}
			if total > capComplexity {
				total = capComplexity
			}
		}
		return total
	}
	c.complexity = walk(op.SelectionSet, 0, map[string]bool{})
	return c
}

// isConnectionField names the fields that return a page of items.
func isConnectionField(name string) bool { return name == "events" || name == "anchors" }

// pageArg returns the value of a field's first argument.
func pageArg(args []*ast.Argument, vars map[string]any) (int, bool) {
	for _, a := range args {
		if a.Name == nil || a.Name.Value != "first" {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			n, err := strconv.Atoi(v.Value)
			return max(n, 1), err == nil
		case *ast.Variable:
			if v.Name == nil {
				return 0, false
			}
			switch n := vars[v.Name.Value].(type) {
			case float64:
				return max(int(n), 1), true
			case int:
				return max(n, 1), true
			}
		}
	}
	return 0, false
}

// operation picks the operation a request runs.
func operation(doc *ast.Document, name string) (*ast.OperationDefinition, bool) {
	var found *ast.OperationDefinition
	n := 0
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		n++
		if name == "" || (op.Name != nil && op.Name.Value == name) {
			found = op
		}
	}
	if name == "" && n != 1 {
		return nil, false
	}
	return found, found != nil
}
