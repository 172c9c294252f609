// Entry point of the GraphiQL page that package graphiql embeds; bundled by
// scripts/build-graphiql.sh (esbuild) into assets/graphiql.js and
// assets/graphiql.css. Everything the page loads comes from its own origin:
// the bundle, its stylesheet, the Monaco editor's web workers (built from the
// same sources into assets/*.worker.js) and the API at /graphql.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import './main.css';

// Where the handler serves the assets (graphiql.Prefix in Go) and where the
// API answers POSTs; both are paths on the page's own origin.
const ASSETS = '/graphiql/';
const ENDPOINT = '/graphql';

// Monaco runs its language services in web workers. Each is a plain script
// of its own, served beside the bundle, so that no blob: or data: worker is
// needed and the Content-Security-Policy can say worker-src 'self'.
globalThis.MonacoEnvironment = {
  getWorker(_moduleId, label) {
    const name = label === 'json' || label === 'graphql' ? label : 'editor';
    return new Worker(`${ASSETS}${name}.worker.js`, { name: label });
  },
};

// fetcher posts {query, operationName, variables} as JSON to ENDPOINT, with
// the headers from GraphiQL's headers editor, and hands back the decoded
// response; an answer that isn't JSON becomes a GraphQL error to show.
async function fetcher(params, opts) {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...(opts && opts.headers),
    },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return {
      errors: [{ message: `${response.status} ${response.statusText}: ${text.slice(0, 2000)}` }],
    };
  }
}

const defaultQuery = `# Provenant GraphQL API
#
# Type a query here; Ctrl-Enter (or the run button) runs it, Ctrl-Space
# completes fields, and the Docs button on the left browses the schema.
{
  __typename
}
`;

// The logo replaces GraphiQL's own, which links to GitHub: nothing on the
// page points away from this server.
createRoot(document.getElementById('graphiql')).render(
  createElement(
    GraphiQL,
    { fetcher, defaultQuery },
    createElement(GraphiQL.Logo, null, 'Provenant'),
  ),
);
