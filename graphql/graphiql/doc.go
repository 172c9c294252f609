// Package graphiql serves GraphiQL, the in-browser GraphQL IDE, for the
// Provenant GraphQL API, from files embedded in the binary: a page served
// this way loads nothing from anywhere but its own origin (no CDN, no web
// fonts from elsewhere), so that it works on a closed network.
//
// Handler serves the page and its assets under [Prefix]; WantsHTML tells
// the API's own handler when a request on /graphql comes from a browser that
// wants the page rather than a GraphQL response:
//
//	mux.Handle(graphiql.Prefix, graphiql.Handler())
//	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
//		if graphiql.WantsHTML(r) {
//			graphiql.Handler().ServeHTTP(w, r)
//			return
//		}
//		// ... the GraphQL API ...
//	})
//
// The page posts {query, operationName, variables} as JSON to /graphql on
// its own origin.
//
// # Assets
//
// The files in assets/ are built by scripts/build-graphiql.sh from src/ and
// committed, so that building Go needs no npm; run the script again after
// changing anything in src/, and commit what it writes. It bundles, with
// esbuild 0.28.2 (minified, production mode):
//
//	graphiql 5.4.0 (with @graphiql/react 0.39.1, monaco-editor 0.52.2,
//	monaco-graphql 1.9.0), react 19.3.1, react-dom 19.3.1, graphql 16.15.0
//
// into graphiql.js and graphiql.css (the page), editor.worker.js,
// json.worker.js and graphql.worker.js (the Monaco editor's web workers,
// plain same-origin scripts) and fonts/ (the fonts GraphiQL's stylesheet
// carries inline, moved into files of their own). The exact versions of
// every npm package are in src/npm-shrinkwrap.json; their licences are in
// THIRD_PARTY_NOTICES.txt.
package graphiql
