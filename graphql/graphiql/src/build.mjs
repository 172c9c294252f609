// Bundles the GraphiQL page with esbuild; run by scripts/build-graphiql.sh
// from a copy of this folder next to the node_modules it installed:
//
//	node build.mjs <assets dir> <notice file>
//
// It writes, minified and in production mode:
//
//	graphiql.js, graphiql.css   the page (main.js and main.css)
//	editor.worker.js            Monaco's editor worker
//	json.worker.js              Monaco's JSON language worker (variables, headers)
//	graphql.worker.js           monaco-graphql's worker (completion, validation)
//	index.html                  copied from index.html
//	fonts/*                     the fonts GraphiQL's stylesheet holds inline
//
// GraphiQL's style.css carries its fonts (Roboto, Fira Code, Monaco's
// codicons) as data: URLs, some 460 kB of base64 that every page load would
// fetch. They go into fonts/, each named by its content, so that the
// browser fetches only the unicode-range subsets a page shows, and the
// Content-Security-Policy can say font-src 'self'.
//
// and, outside the embedded assets, a notice file with the licence of every
// npm package whose code went into them and the legal comments esbuild took
// out of them. The same node_modules give the same bytes: nothing here
// depends on the time, the machine or the folder it runs in.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [assets, notice] = process.argv.slice(2);
if (!assets || !notice) {
  console.error('usage: node build.mjs <assets dir> <notice file>');
  process.exit(2);
}

const tmp = 'out';
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp);

const common = {
  bundle: true,
  minify: true,
  legalComments: 'external',
  charset: 'utf8',
  target: ['es2022', 'chrome111', 'firefox115', 'safari16'],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  metafile: true,
};

// GraphiQL's style.css already holds the Monaco editor's styles, so the CSS
// files that monaco-editor's modules import themselves would only repeat
// them: load those as nothing.
const monacoCSS = {
  name: 'monaco-css',
  setup(build) {
    build.onResolve({ filter: /\.css$/ }, (args) =>
      args.importer.includes('/node_modules/monaco-editor/') ? { path: args.path, namespace: 'monaco-css' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'monaco-css' }, () => ({ contents: '', loader: 'css' }));
  },
};

const results = [];
results.push(
  await esbuild.build({
    ...common,
    entryPoints: { graphiql: 'main.js' },
    outdir: tmp,
    format: 'iife',
    plugins: [monacoCSS],
  }),
);

const workers = {
  'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};
results.push(
  await esbuild.build({
    ...common,
    entryPoints: workers,
    outdir: tmp,
    format: 'iife',
  }),
);

// The assets: every file esbuild wrote but the legal comments, and the page.
rmSync(assets, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });
const legal = [];
for (const name of readdirSync(tmp).sort()) {
  if (name.endsWith('.LEGAL.txt')) {
    legal.push(`==== Legal comments in ${name.replace(/\.LEGAL\.txt$/, '')}\n\n${readFileSync(join(tmp, name), 'utf8').trim()}\n`);
    continue;
  }
  copyFileSync(join(tmp, name), join(assets, name));
}
copyFileSync('index.html', join(assets, 'index.html'));

// Move the inline fonts out of graphiql.css into fonts/.
const fonts = join(assets, 'fonts');
mkdirSync(fonts);
const cssPath = join(assets, 'graphiql.css');
const fontExt = { 'font/ttf': 'ttf', 'font/woff': 'woff', 'font/woff2': 'woff2', 'font/otf': 'otf' };
const css = readFileSync(cssPath, 'utf8').replace(/url\(\s*(["']?)data:(font\/[a-z0-9]+);base64,([A-Za-z0-9+/=]+)\1\s*\)/g, (_m, _q, type, b64) => {
  const ext = fontExt[type];
  if (!ext) throw new Error(`build: unknown font type ${type} in graphiql.css`);
  const bytes = Buffer.from(b64, 'base64');
  const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.${ext}`;
  writeFileSync(join(fonts, name), bytes);
  return `url(fonts/${name})`;
});
if (/data:font\//.test(css)) throw new Error('build: an inline font is left in graphiql.css');
writeFileSync(cssPath, css);

// The notice: one licence per package that has code in the bundles.
const packages = new Map();
for (const { metafile } of results) {
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) packages.set(m[1], join('node_modules', m[1]));
  }
}
const sections = [];
for (const name of [...packages.keys()].sort()) {
  const dir = packages.get(name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying|third-?party-?notices)(\.|$)/i.test(f))
    .sort();
  const text = files.map((f) => readFileSync(join(dir, f), 'utf8').trim()).join('\n\n');
  sections.push(`==== ${name}@${pkg.version} (${pkg.license || 'see package'})\n\n${text || '(no licence file in the package)'}\n`);
}
mkdirSync(dirname(notice), { recursive: true });
writeFileSync(
  notice,
  `Third-party software in graphql/graphiql/assets, written by scripts/build-graphiql.sh.\n` +
    `Do not edit: run the script again.\n\n` +
    sections.join('\n') +
    '\n' +
    legal.join('\n') +
    '\n' +
    `==== Fonts in assets/fonts\n\n` +
    `Taken out of graphiql's style.css, where they are inline: Roboto and Fira Code\n` +
    `(from @graphiql/react) and the codicon icon font (from monaco-editor). Each is\n` +
    `under its own project's font licence; see those projects.\n`,
);
rmSync(tmp, { recursive: true, force: true });

let fontBytes = 0;
for (const name of readdirSync(fonts)) fontBytes += readFileSync(join(fonts, name)).length;
for (const name of readdirSync(assets).sort()) {
  if (name === 'fonts') continue;
  const size = readFileSync(join(assets, name)).length;
  console.log(`${String(size).padStart(9)}  ${name}`);
}
console.log(`${String(fontBytes).padStart(9)}  fonts/ (${readdirSync(fonts).length} files)`);
if (!existsSync(join(assets, 'graphiql.css'))) {
  console.error('build: no graphiql.css was written');
  process.exit(1);
}
