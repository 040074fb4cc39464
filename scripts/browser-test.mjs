#!/usr/bin/env node
// The example app in a real headless Chromium: a visitor logs in through the form, counts visits,
// fills a cart, then opens another site's page that auto-submits `POST /login username=mallory`
// (login CSRF). The protected app must answer 403 and leave the visitor logged in as ada; the same
// attack on the app built without crossOriginProtection must log the visitor in as mallory, which
// shows the attack is real and this test can fail. Then logout, and the cart surviving a new tab.
// Last, format 2's chunking in Chromium's own cookie jar: a session grown past one cookie, read
// back after a reload, then shrunk, with the stale chunk dropped and the session kept.
//
// Chromium: $CHROMIUM_PATH, else chromium / chromium-browser / google-chrome on PATH. None found
// is a skip (exit 0) unless BROWSER_TEST_REQUIRED=1 (CI, which installs it) makes it a failure.
// Run by `npm run test:browser`, which builds dist/ first (the example loads the built package).
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

const TOTAL_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 10_000;
// Chromium's first start after the whole test suite once took over 10 s on the 2-core VM (no
// DevTools endpoint within 10 s, 2026-12-01), and the rerun started in under 2 s: a cold start,
// not a hang, so the launch gets longer than the other steps.
const LAUNCH_TIMEOUT_MS = 30_000;
const INSTALL_HINT = 'install it with `apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH';

function findChromium() {
  const isExecutable = (file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return isExecutable(chosen) ? { path: chosen } : { why: `CHROMIUM_PATH=${chosen} is not an executable` };
  const names = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) if (isExecutable(join(dir, name))) return { path: join(dir, name) };
  }
  return { why: `no ${names.join(', ')} on PATH` };
}

const chromium = findChromium();
if (!chromium.path) {
  const required = process.env.BROWSER_TEST_REQUIRED === '1';
  console.log(`browser test ${required ? 'FAILED' : 'skipped'}: no Chromium found (${chromium.why}); ${INSTALL_HINT}`);
  process.exit(required ? 1 : 0);
}

// Everything below is bounded: each wait by STEP_TIMEOUT_MS, the whole run by this watchdog
// (puppeteer kills the browser it launched when the process exits).
const watchdog = setTimeout(() => {
  console.error(`FAIL: the browser test did not finish within ${TOTAL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

process.env.SESSION_SECRET = 'browser test session secret, long and random enough';
process.env.CART_SECRET = 'browser test cart secret, long and random enough too';
const load = createRequire(import.meta.url);
const { default: puppeteer } = await import('puppeteer-core');
const { createApp } = load('../examples/express/server.js');

let failures = 0;
function check(condition, what, detail = '') {
  if (condition) console.log(`  ok    ${what}`);
  else {
    failures++;
    console.log(`  FAIL  ${what}${detail ? `: ${detail}` : ''}`);
  }
}

/** Listens on 127.0.0.1 and a random port; remembers the headers of each POST /login. */
async function listen(handler) {
  const logins = [];
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/login') logins.push({ site: req.headers['sec-fetch-site'], origin: req.headers.origin });
    handler(req, res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port, logins };
}

// The attacker: another site, since `localhost` and `127.0.0.1` are different sites (not only
// different origins), so SameSite=Lax applies to the forged POST just as it would on the web.
function attackerPage(target) {
  return `<!doctype html><title>Win a prize</title>
<form method="post" action="${target}/login"><input name="username" value="mallory"></form>
<script>document.forms[0].submit()</script>`;
}
const attacker = await listen((req, res) => {
  const target = new URL(req.url, 'http://localhost').searchParams.get('target') ?? '';
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(attackerPage(target));
});
// Format 2 with chunking: a session grown past one cookie, then shrunk (issue: Chromium must keep
// every chunk, then drop the stale one when the server expires it).
const sessions = load('../dist/index.js');
const chunked = sessions({ cookieName: 'session', secret: process.env.SESSION_SECRET, format: 2, maxChunks: 3 });
const chunkedApp = await listen((req, res) => {
  // Chromium asks for a favicon now and then: it must not count as a visit.
  if (req.url === '/favicon.ico') {
    res.statusCode = 404;
    res.end();
    return;
  }
  chunked(req, res, () => {
    const size = new URL(req.url, 'http://x').searchParams.get('size');
    if (size !== null) req.session.blob = 'b'.repeat(Number(size));
    req.session.visits = (req.session.visits ?? 0) + 1;
    res.setHeader('Content-Type', 'text/plain');
    res.end(`visits=${req.session.visits} blob=${req.session.blob?.length ?? 0}`);
  });
});
const protectedApp = await listen(createApp());
const unprotectedApp = await listen(createApp({ crossOriginProtection: false }));
const attackUrl = (app) => `http://localhost:${attacker.port}/?target=${encodeURIComponent(`http://127.0.0.1:${app.port}`)}`;

const browser = await puppeteer.launch({
  executablePath: chromium.path,
  // headless: true is Chromium's new headless mode (puppeteer passes --headless=new).
  headless: true,
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
  timeout: LAUNCH_TIMEOUT_MS,
  protocolTimeout: STEP_TIMEOUT_MS,
});

async function newPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return page;
}
const text = (page) => page.$eval('body', (body) => body.innerText);
const loggedInAs = async (page) => /Logged in as (\S+)/.exec(await text(page))?.[1] ?? null;
const visits = async (page) => Number(/Visits to this page in this session: (\d+)/.exec(await text(page))?.[1]);
const cartLines = async (page) => page.$$eval('section:nth-of-type(2) > ul:first-of-type li', (items) => items.map((li) => li.innerText.trim()));
async function cookies(page) {
  const cdp = await page.createCDPSession();
  const { cookies: all } = await cdp.send('Network.getAllCookies');
  await cdp.detach();
  return Object.fromEntries(all.map((c) => [c.name, c]));
}
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}
async function logIn(page, base, name) {
  await page.goto(`${base}/`);
  await page.type('input[name=username]', name);
  await submit(page, 'form[action="/login"] button[type=submit]');
}
// Opens the attacker's page and waits for the forged POST it makes, returning its status.
async function attack(page, app) {
  const forged = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `http://127.0.0.1:${app.port}/login`);
  await page.goto(attackUrl(app));
  const response = await forged;
  await page.waitForNetworkIdle({ idleTime: 100 });
  return response.status();
}

try {
  console.log(`browser test: ${await browser.version()} (${chromium.path}), example at http://127.0.0.1:${protectedApp.port}, attacker at http://localhost:${attacker.port}`);

  const flags = browser.process()?.spawnargs ?? [];
  check(flags.includes('--headless=new') && flags.includes('--no-sandbox'), 'Chromium runs with --headless=new --no-sandbox');

  console.log('protected example (crossOriginProtection mounted):');
  const base = `http://127.0.0.1:${protectedApp.port}`;
  const context = await browser.createBrowserContext();
  let page = await newPage(context);
  await logIn(page, base, 'ada');
  check((await loggedInAs(page)) === 'ada', 'log in as ada by typing in the form and clicking "Log in"', `page says ${await loggedInAs(page)}`);
  const before = await visits(page);
  await page.reload();
  check((await visits(page)) === before + 1, 'reload counts one more visit', `${before} then ${await visits(page)}`);
  for (const id of ['tea', 'tea', 'mug']) await submit(page, `form[action="/cart/add"]:has(input[value="${id}"]) button`);
  const cart = await cartLines(page);
  check(JSON.stringify(cart) === JSON.stringify(['Green tea (100 g) × 2', 'Stoneware mug × 1']), 'add tea, tea and mug to the cart', JSON.stringify(cart));
  const jar = await cookies(page);
  check(jar.session?.sameSite === 'Lax' && jar.cart !== undefined, 'the jar holds a SameSite=Lax session cookie and a cart cookie', Object.keys(jar).join(', '));

  const status = await attack(page, protectedApp);
  const forged = protectedApp.logins.at(-1);
  check(status === 403, 'the attacker page on localhost auto-submits POST /login username=mallory: 403', `got ${status}`);
  check(forged?.site === 'cross-site' && forged?.origin === `http://localhost:${attacker.port}`, 'Chromium sent it with Sec-Fetch-Site: cross-site and the attacker Origin', JSON.stringify(forged));
  const afterAttack = await cookies(page);
  check(afterAttack.session?.value === jar.session?.value && afterAttack.cart?.value === jar.cart?.value, 'the session and cart cookies are unchanged');
  await page.goto(`${base}/`);
  check((await loggedInAs(page)) === 'ada', 'the visitor is still ada', `page says ${await loggedInAs(page)}`);
  check(JSON.stringify(await cartLines(page)) === JSON.stringify(cart), 'with the same cart', JSON.stringify(await cartLines(page)));

  const logout = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${base}/logout`);
  await submit(page, 'form[action="/logout"] button');
  // reset() replaces the session with an empty one (as client-sessions does) rather than
  // deleting the cookie: the logout response rewrites the session cookie and leaves the cart.
  const rewritten = ((await logout).headers()['set-cookie'] ?? '').split('\n');
  check(
    rewritten.length === 1 && rewritten[0].startsWith('session=') && !rewritten[0].startsWith(`session=${jar.session?.value};`),
    'logging out (click "Log out") rewrites the session cookie, and only it',
    JSON.stringify(rewritten),
  );
  const afterLogout = await cookies(page);
  check((await loggedInAs(page)) === null && (await page.$('input[name=username]')) !== null, 'the page shows the login form again');
  check(afterLogout.session !== undefined && afterLogout.session.value !== jar.session?.value, 'the jar no longer holds the logged-in session cookie');
  check(afterLogout.cart?.value === jar.cart?.value, 'the cart cookie is kept');
  await page.close();
  page = await newPage(context);
  await page.goto(`${base}/api/session`);
  const fresh = JSON.parse(await text(page));
  check(fresh.user === null && JSON.stringify(fresh.cart) === JSON.stringify([{ id: 'tea', qty: 2 }, { id: 'mug', qty: 1 }]), 'a new page in the same browser context has the cart, logged out', JSON.stringify(fresh));
  await context.close();

  console.log('the same attack on the example without crossOriginProtection (must succeed):');
  const unprotectedBase = `http://127.0.0.1:${unprotectedApp.port}`;
  const victim = await browser.createBrowserContext();
  const victimPage = await newPage(victim);
  await logIn(victimPage, unprotectedBase, 'ada');
  check((await loggedInAs(victimPage)) === 'ada', 'log in as ada');
  const unprotectedStatus = await attack(victimPage, unprotectedApp);
  check(unprotectedStatus === 303, 'the forged POST /login is accepted (303)', `got ${unprotectedStatus}`);
  await victimPage.goto(`${unprotectedBase}/`);
  check((await loggedInAs(victimPage)) === 'mallory', 'the visitor is now logged in as mallory: SameSite=Lax alone does not stop login CSRF', `page says ${await loggedInAs(victimPage)}`);
  await victim.close();

  console.log('format 2, a session split across cookies (maxChunks: 3):');
  const chunkBase = `http://127.0.0.1:${chunkedApp.port}`;
  const chunkContext = await browser.createBrowserContext();
  const chunkPage = await newPage(chunkContext);
  const body = async () => text(chunkPage);
  const names = (jar) => Object.keys(jar).sort().join(', ');
  await chunkPage.goto(`${chunkBase}/?size=5000`);
  let chunkJar = await cookies(chunkPage);
  check(names(chunkJar) === 'session, session.1', 'a 5000-byte session is stored as two cookies', names(chunkJar));
  check(Object.values(chunkJar).every((c) => c.value.length > 0 && !c.value.includes('.')), 'both are format 2 pieces (no dots)');
  await chunkPage.reload();
  check((await body()) === 'visits=2 blob=5000', 'after a reload, Chromium sent both back and the session was joined and read', await body());
  await chunkPage.goto(`${chunkBase}/?size=10`);
  chunkJar = await cookies(chunkPage);
  check(names(chunkJar) === 'session', 'shrunk to one cookie, the stale session.1 was expired and Chromium dropped it', names(chunkJar));
  await chunkPage.reload();
  check((await body()) === 'visits=4 blob=10', 'and the session survived', await body());
  await chunkContext.close();
} catch (err) {
  failures++;
  console.log(`  FAIL  ${err?.stack ?? err}`);
} finally {
  await browser.close().catch(() => {});
  for (const { server } of [attacker, protectedApp, unprotectedApp, chunkedApp]) {
    server.closeAllConnections();
    server.close();
  }
  clearTimeout(watchdog);
}

console.log(failures === 0 ? 'browser test passed' : `browser test FAILED: ${failures} check(s)`);
process.exit(failures === 0 ? 0 : 1);
