// Drives the GraphiQL page in headless Chromium, as a person would: opens
// it, replaces the query in the editor (select all, paste), clicks the run
// button and waits for the result.
//
//	node browser.mjs <page URL> <screenshot.png> <query> <expected substring>
//
// It fails (exit code 1, printing the page's console errors, uncaught errors
// and Content-Security-Policy violations) when the page or anything it
// loads asks any host but 127.0.0.1, localhost or [::1] (each such request
// is stopped, so nothing leaves the machine), when the page is not HTML,
// when a CSP violation is reported, or when the result pane does not show
// the expected text within the time limit; otherwise it saves a full-page
// screenshot and exits 0. The screenshot is saved on failure too, where the
// page got that far.
//
// Chromium is Debian's, started by its path (CHROMIUM, default
// /usr/bin/chromium): Playwright downloads no browser. playwright-core
// comes from .tools/node_modules (scripts/ensure-browser.sh), or from
// TOOLS_DIR/node_modules. BROWSER_TIMEOUT_MS bounds each wait (default
// 60000).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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
  console.error(`browser: npm package ${name} not found in ${toolsDir}/node_modules; run scripts/ensure-browser.sh`);
  process.exit(2);
}

const [pageURL, screenshot, query, expected] = process.argv.slice(2);
if (!pageURL || !screenshot || query === undefined || expected === undefined) {
  console.error('usage: node browser.mjs <page URL> <screenshot.png> <query> <expected substring>');
  process.exit(2);
}
const timeout = Number(process.env.BROWSER_TIMEOUT_MS || 60000);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const localHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

const { chromium } = tool('playwright-core');

const requests = []; // every URL the page and its workers asked for
const foreign = []; // those for another host
const consoleErrors = [];
const pageErrors = [];
const cspViolations = [];
const started = Date.now();

// isLocal reports whether a request stays on this machine: a local host, or
// a URL that is no request at all (data:, blob:, about:).
function isLocal(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return localHosts.has(u.hostname);
}

function record(url) {
  requests.push(url);
  if (!isLocal(url)) foreign.push(url);
}

const profile = mkdtempSync(join(tmpdir(), 'provenant-chromium-'));
let context;
let failure = null;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout,
  });
  context.setDefaultTimeout(timeout);

  // Every request of every page and worker passes here first: one for
  // another host is noted and stopped.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    return route.abort('blockedbyclient');
  });
  context.on('request', (req) => record(req.url()));
  // CSP violations reach the console too, but say so plainly.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });

  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    (text.startsWith('CSP violation') ? cspViolations : consoleErrors).push(text);
  });
  page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  page.on('worker', (worker) => {
    record(worker.url());
    worker.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`worker ${worker.url()}: ${msg.text()}`);
    });
  });

  try {
    const response = await page.goto(pageURL, { waitUntil: 'load' });
    if (!response) throw new Error(`no response for ${pageURL}`);
    const type = response.headers()['content-type'] || '';
    if (response.status() !== 200 || !type.startsWith('text/html')) {
      throw new Error(`${pageURL} answered ${response.status()} ${type || '(no Content-Type)'}, not an HTML page`);
    }

    // The operation editor, once Monaco is up.
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ state: 'visible' });
    await page.waitForFunction(() => globalThis.__MONACO && globalThis.__MONACO.editor.getEditors().length > 0);

    // Replace the query as a person would: select everything and paste
    // over it. A paste puts the text in as it is; typing it would have
    // Monaco close brackets and indent lines on its own.
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, query);
    const typed = await page.evaluate(() => {
      const model = globalThis.__MONACO.editor.getModels().find((m) => m.uri.path.endsWith('operation.graphql'));
      return model ? model.getValue() : null;
    });
    if (typed !== query) {
      throw new Error(`the editor holds ${JSON.stringify(typed)} after pasting, not the query ${JSON.stringify(query)}`);
    }

    await page.locator('.graphiql-execute-button').first().click();

    // The result pane is Monaco too: it draws spaces as U+00A0 and only
    // the lines in view, so read what it shows and, when that doesn't
    // have it a second after its model does (the text is out of view),
    // the model, which is what it shows when scrolled.
    const handle = await page.waitForFunction(
      (want) => {
        const pane = document.querySelector('.graphiql-response .result-window, .result-window');
        const shown = pane ? (pane.innerText || '').replace(/\u00a0/g, ' ') : '';
        if (shown.includes(want)) return 'pane';
        const model = globalThis.__MONACO?.editor.getModels().find((m) => m.uri.path.endsWith('response.json'));
        if (model && model.getValue().includes(want)) {
          globalThis.__inModelSince ??= Date.now();
          if (Date.now() - globalThis.__inModelSince > 1000) return 'model';
        }
        return false;
      },
      expected,
      { polling: 100 },
    ).catch(async (err) => {
      const shown = await page
        .evaluate(() => globalThis.__MONACO?.editor.getModels().find((m) => m.uri.path.endsWith('response.json'))?.getValue() ?? '(no result pane)')
        .catch(() => '(page gone)');
      throw new Error(`the result pane did not show ${JSON.stringify(expected)} within ${timeout} ms (${err.message.split('\n')[0]}); it holds:\n${shown}`);
    });
    const where = await handle.jsonValue();
    const result = await page.evaluate(() => {
      const model = globalThis.__MONACO?.editor.getModels().find((m) => m.uri.path.endsWith('response.json'));
      return model ? model.getValue() : '';
    });
    // Let the editors settle (fonts, decorations) before the picture.
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshot, fullPage: true });

    if (foreign.length > 0) throw new Error(`requests left this machine:\n  ${foreign.join('\n  ')}`);
    if (cspViolations.length > 0) throw new Error(`the page broke its Content-Security-Policy`);
    console.log(`browser: OK: ${JSON.stringify(expected)} in the result ${where === 'pane' ? 'pane' : 'model (not in view)'} after ${Date.now() - started} ms; ${requests.length} requests, all local; screenshot ${screenshot}`);
    console.log(`browser: result: ${result.replace(/\s+/g, ' ').slice(0, 500)}`);
    for (const [title, list] of [
      ['console errors', consoleErrors],
      ['page errors', pageErrors],
    ]) {
      if (list.length > 0) console.log(`browser: (not failing) ${title}:\n  ${list.join('\n  ')}`);
    }
  } catch (err) {
    failure = err;
    try {
      await page.screenshot({ path: screenshot, fullPage: true });
    } catch {
      // no picture to be had
    }
  }
} catch (err) {
  failure = err;
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

if (failure) {
  console.error(`browser: FAIL: ${failure.message || failure}`);
  if (foreign.length > 0) console.error(`browser: requests for other hosts (stopped):\n  ${foreign.join('\n  ')}`);
  for (const [title, list] of [
    ['CSP violations', cspViolations],
    ['console errors', consoleErrors],
    ['page errors', pageErrors],
  ]) {
    if (list.length > 0) console.error(`browser: ${title}:\n  ${list.join('\n  ')}`);
  }
  console.error(`browser: ${requests.length} requests:\n  ${requests.join('\n  ')}`);
  process.exit(1);
}
