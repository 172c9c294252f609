// An independent GraphQL client for the Provenant API, built on the
// reference implementation (the npm graphql package) rather than on
// anything in Go: it checks that what the server says about itself
// (introspection) is a valid schema, that the example operations are valid
// against it, and that the server runs each without errors.
//
//	node client.mjs <endpoint URL> <examples.graphql>
//
// examples.graphql holds named operations (query Name($v: T) { ... }),
// with any fragments they use; the variables of each come from the JSON
// file next to it with the same name and the extension .json
// (examples.json; examples.graphql.json is read too, when that is the one
// there), an object mapping operation names to variables objects.
// Operations missing from it run without variables.
//
// It loads the schema by introspection (getIntrospectionQuery), builds a
// client schema from the answer (buildClientSchema), parses the examples,
// validates every operation against the client schema and its variables
// against the operation, and fails with the message and the place of each
// error; then it posts each operation, with the fragments it uses, as JSON
// {query, operationName, variables}, and fails for any response that is not
// JSON, has errors, or has no data. It prints one line per operation and
// exits 0 only when all pass (1 when any fails, 2 for bad arguments).
//
// GRAPHQL_HEADERS, a JSON object, adds headers to every request (an
// Authorization header, say). CLIENT_TIMEOUT_MS bounds each request
// (default 30000). The graphql package comes from .tools/node_modules
// (scripts/ensure-tools.sh), or from TOOLS_DIR/node_modules.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const toolsDir = resolve(process.env.TOOLS_DIR || join(here, '..', '..', '..', '.tools'));

// tool loads an npm package from the project's tools folder, or from the
// usual places when it isn't there.
function tool(name) {
  for (const base of [join(toolsDir, 'package.json'), join(here, 'package.json')]) {
    try {
      return createRequire(base)(name);
    } catch (err) {
      if (err.code !== 'MODULE_NOT_FOUND') throw err;
    }
  }
  console.error(`client: npm package ${name} not found in ${toolsDir}/node_modules; run scripts/ensure-tools.sh`);
  process.exit(2);
}

const [endpoint, examplesPath] = process.argv.slice(2);
if (!endpoint || !examplesPath) {
  console.error('usage: node client.mjs <endpoint URL> <examples.graphql>');
  process.exit(2);
}

const graphql = tool('graphql');
const { Kind, Source, buildClientSchema, getIntrospectionQuery, parse, validate, visit } = graphql;
const { getVariableValues } = tool('graphql/execution/values');

const timeout = Number(process.env.CLIENT_TIMEOUT_MS || 30000);
let extraHeaders = {};
if (process.env.GRAPHQL_HEADERS) {
  try {
    extraHeaders = JSON.parse(process.env.GRAPHQL_HEADERS);
  } catch (err) {
    console.error(`client: GRAPHQL_HEADERS is not a JSON object: ${err.message}`);
    process.exit(2);
  }
}

// fail prints why and stops with exit code 1.
function fail(message) {
  console.error(`client: FAIL: ${message}`);
  process.exit(1);
}

// post sends one GraphQL request and gives back the decoded response.
async function post(body) {
  let response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...extraHeaders },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
  } catch (err) {
    throw new Error(`POST ${endpoint}: ${err.cause?.message || err.message}`);
  }
  const text = await response.text();
  let result;
  try {
    result = JSON.parse(text);
  } catch {
    throw new Error(`POST ${endpoint}: HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`);
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw new Error(`POST ${endpoint}: HTTP ${response.status}, not a GraphQL response: ${text.slice(0, 300)}`);
  }
  result.httpStatus = response.status;
  return result;
}

// describe renders GraphQL errors, one per line, with their places in the
// examples file when they have them; where maps a location in what was
// sent to one in the file.
function describe(errors, file, where = (l) => l) {
  return errors
    .map((e) => {
      const at = (e.locations || []).map((l) => where(l)).map((l) => `${file}:${l.line}:${l.column}`).join(', ');
      const path = e.path ? ` (at ${e.path.join('.')})` : '';
      return `  ${at ? `${at}: ` : ''}${e.message}${path}`;
    })
    .join('\n');
}

// 1. The schema, by introspection.
let introspection;
try {
  introspection = await post({ query: getIntrospectionQuery(), operationName: 'IntrospectionQuery' });
} catch (err) {
  fail(`introspection: ${err.message}`);
}
if (introspection.errors?.length) fail(`introspection answered errors:\n${describe(introspection.errors, endpoint)}`);
if (!introspection.data?.__schema) fail(`introspection answered no __schema (HTTP ${introspection.httpStatus})`);
let schema;
try {
  schema = buildClientSchema(introspection.data);
} catch (err) {
  fail(`the introspection result is not a valid schema: ${err.message}`);
}
const typeCount = Object.keys(schema.getTypeMap()).filter((n) => !n.startsWith('__')).length;

// 2. The examples and their variables.
let document;
let text;
try {
  text = readFileSync(examplesPath, 'utf8');
  document = parse(new Source(text, examplesPath));
} catch (err) {
  fail(err.locations ? `${examplesPath}:${err.locations[0].line}:${err.locations[0].column}: ${err.message}` : `${examplesPath}: ${err.message}`);
}
const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
const fragments = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
if (operations.length === 0) fail(`${examplesPath} holds no operations`);
const unnamed = operations.filter((op) => !op.name);
if (unnamed.length > 0) {
  fail(`every example needs a name (query Name { ... }):\n${unnamed.map((op) => `  ${examplesPath}:${op.loc.startToken.line}: unnamed ${op.operation}`).join('\n')}`);
}

const variablesPaths = [examplesPath.slice(0, examplesPath.length - extname(examplesPath).length) + '.json', examplesPath + '.json'];
const variablesPath = variablesPaths.find((p) => existsSync(p));
let variables = {};
if (variablesPath) {
  try {
    variables = JSON.parse(readFileSync(variablesPath, 'utf8'));
  } catch (err) {
    fail(`${variablesPath}: ${err.message}`);
  }
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
    fail(`${variablesPath}: want an object mapping operation names to variables objects`);
  }
  const names = new Set(operations.map((op) => op.name.value));
  const stray = Object.keys(variables).filter((n) => !names.has(n));
  if (stray.length > 0) fail(`${variablesPath}: no operation in ${examplesPath} is called ${stray.join(', ')}`);
  for (const [name, v] of Object.entries(variables)) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${variablesPath}: the variables of ${name} are not an object`);
  }
}

// 3. Validation, all of it before running anything.
const problems = [];
const errors = validate(schema, document);
if (errors.length > 0) problems.push(`${examplesPath} is not valid against the server's schema:\n${describe(errors, examplesPath)}`);
if (errors.length === 0) {
  for (const op of operations) {
    const { errors: varErrors } = getVariableValues(schema, op.variableDefinitions || [], variables[op.name.value] || {});
    if (varErrors?.length) {
      problems.push(`variables of ${op.name.value}${variablesPath ? ` (${variablesPath})` : ' (no variables file)'}:\n${describe(varErrors, examplesPath)}`);
    }
  }
}
if (problems.length > 0) fail(problems.join('\n'));

// usedFragments lists the fragments a definition spreads, directly or not,
// in the order they first appear.
function usedFragments(definition, seen = new Set()) {
  visit(definition, {
    FragmentSpread(node) {
      const name = node.name.value;
      if (seen.has(name)) return;
      seen.add(name);
      usedFragments(fragments.get(name), seen);
    },
  });
  return seen;
}

// 4. Each operation over HTTP.
console.log(`client: ${endpoint}: schema with ${typeCount} types; ${operations.length} operations in ${examplesPath} valid`);
let failed = 0;
const width = Math.max(...operations.map((op) => op.name.value.length));
for (const op of operations) {
  const name = op.name.value;
  // The operation and the fragments it uses, as written in the file, so
  // that the places the server gives in its errors map back to the file.
  const pieces = [];
  let query = '';
  for (const d of [op, ...[...usedFragments(op)].map((f) => fragments.get(f))]) {
    if (query) query += '\n\n';
    pieces.push({ line: query.split('\n').length, fileLine: d.loc.startToken.line, fileColumn: d.loc.startToken.column });
    query += text.slice(d.loc.start, d.loc.end);
  }
  const where = (l) => {
    const p = pieces.findLast((x) => x.line <= l.line);
    if (!p) return l;
    return { line: p.fileLine + l.line - p.line, column: l.line === p.line ? p.fileColumn + l.column - 1 : l.column };
  };
  const started = Date.now();
  let line;
  try {
    const result = await post({ query, operationName: name, variables: variables[name] || {} });
    const ms = Date.now() - started;
    if (result.errors?.length) {
      line = `FAIL ${name.padEnd(width)}  errors (HTTP ${result.httpStatus}):\n${describe(result.errors, examplesPath, where)}`;
    } else if (!('data' in result) || result.data === null || typeof result.data !== 'object') {
      line = `FAIL ${name.padEnd(width)}  no data in the response (HTTP ${result.httpStatus})`;
    } else if (result.httpStatus !== 200) {
      line = `FAIL ${name.padEnd(width)}  HTTP ${result.httpStatus}`;
    } else {
      line = `OK   ${name.padEnd(width)}  ${ms} ms, ${JSON.stringify(result.data).length} bytes of data`;
    }
  } catch (err) {
    line = `FAIL ${name.padEnd(width)}  ${err.message}`;
  }
  if (line.startsWith('FAIL')) failed++;
  console.log(line);
}
if (failed > 0) {
  console.error(`client: FAIL: ${failed} of ${operations.length} operations failed`);
  process.exit(1);
}
console.log(`client: all ${operations.length} operations OK`);
