'use strict';
// A small Express app showing client-sessions-native: a login session and a separate cart cookie.
// Run it with `npm start`; see README.md next to this file for curl examples.

const express = require('express');
const sessions = require('client-sessions-native');

// Only for trying the example locally. Anyone who knows a secret can forge sessions, and these
// are public, so a real deployment must set SESSION_SECRET and CART_SECRET to long random
// strings; under NODE_ENV=production createApp() refuses to start without them.
const DEV_ONLY_SESSION_SECRET = 'DEVELOPMENT-ONLY-session-secret-do-not-use-in-production';
const DEV_ONLY_CART_SECRET = 'DEVELOPMENT-ONLY-cart-secret-do-not-use-in-production';

const PRODUCTS = [
  { id: 'tea', name: 'Green tea (100 g)' },
  { id: 'mug', name: 'Stoneware mug' },
  { id: 'kettle', name: 'Gooseneck kettle' },
];

const USERNAME = /^[A-Za-z0-9_-]{1,32}$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Warn once per variable, so a test that builds several apps does not repeat the line.
const warned = new Set();
function secretFromEnv(name, devFallback) {
  const value = process.env[name];
  if (value) return value;
  if (!warned.has(name)) {
    warned.add(name);
    console.warn(`WARNING: ${name} is not set; using a development-only secret (never do this in production)`);
  }
  return devFallback;
}

// A production server started without its secrets would otherwise run on the public ones above,
// where anyone can forge a login: refuse, naming every variable to set and how.
function checkProductionSecrets() {
  if (process.env.NODE_ENV !== 'production') return;
  const missing = [
    ['SESSION_SECRET', DEV_ONLY_SESSION_SECRET],
    ['CART_SECRET', DEV_ONLY_CART_SECRET],
  ]
    .filter(([name, devOnly]) => !process.env[name] || process.env[name] === devOnly)
    .map(([name]) => name);
  if (missing.length === 0) return;
  throw new Error(
    `NODE_ENV=production but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set: ` +
      'the development secrets are public, so anyone could forge sessions with them. ' +
      `Set each to a long random string, e.g. ${missing.map((name) => `${name}=$(openssl rand -hex 32)`).join(' ')}.`,
  );
}

function escapeHtml(value) {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function findProduct(id) {
  // A lookup in an array, not `PRODUCTS[id]`, so ids like "__proto__" or "constructor" cannot
  // match something inherited from Object.prototype.
  return PRODUCTS.find((p) => p.id === id);
}

// The cookie is authenticated, so it holds what this app wrote, but perhaps an older version of
// it: a product since removed from the catalogue is skipped instead of breaking the page.
function cartItems(cart) {
  const items = cart.items;
  if (!Array.isArray(items)) return [];
  return items
    .filter((item) => item && findProduct(item.id) && Number.isSafeInteger(item.qty) && item.qty > 0)
    .map((item) => ({ id: item.id, qty: item.qty }));
}

function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
  section { border: 1px solid #ccc; border-radius: 6px; padding: 0 1rem 1rem; margin-bottom: 1rem; }
  form { display: inline; }
  .note { color: #666; font-size: 0.9em; }
  .error { color: #a00; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function homePage({ user, visits, items, backend }) {
  const account = user
    ? `<p>Logged in as <strong>${escapeHtml(user.name)}</strong> since ${escapeHtml(new Date(user.loggedInAt).toISOString())}.</p>
<form method="post" action="/logout"><button type="submit">Log out</button></form>
<p class="note">Logging out clears the <code>session</code> cookie; the cart lives in its own cookie and stays.</p>`
    : `<form method="post" action="/login">
  <label>Username <input name="username" required maxlength="32" pattern="[A-Za-z0-9_\\-]{1,32}" autocomplete="username"></label>
  <button type="submit">Log in</button>
</form>
<p class="note">This is a demo: there is no password, any username of 1&ndash;32 letters, digits, <code>_</code> or <code>-</code> logs you in.</p>`;

  const cartList = items.length
    ? `<ul>${items
        .map((item) => `<li>${escapeHtml(findProduct(item.id).name)} &times; ${escapeHtml(item.qty)}</li>`)
        .join('')}</ul>`
    : '<p>Your cart is empty.</p>';

  const productButtons = PRODUCTS.map(
    (p) => `<li>${escapeHtml(p.name)}
  <form method="post" action="/cart/add"><input type="hidden" name="id" value="${escapeHtml(p.id)}"><button type="submit">Add</button></form></li>`,
  ).join('\n');

  return page(
    'client-sessions-native example',
    `<h1>client-sessions-native example</h1>
<section>
<h2>Account</h2>
${account}
<p>Visits to this page in this session: <strong>${escapeHtml(visits)}</strong></p>
</section>
<section>
<h2>Cart</h2>
${cartList}
<form method="post" action="/cart/clear"><button type="submit">Clear cart</button></form>
<h3>Products</h3>
<ul>
${productButtons}
</ul>
</section>
<p class="note">Sessions backend: <code>${escapeHtml(backend)}</code>. JSON view: <a href="/api/session">/api/session</a>.</p>`,
  );
}

function badRequest(res, message) {
  res
    .status(400)
    .type('html')
    .send(page('Bad request', `<h1>Bad request</h1>\n<p class="error">${escapeHtml(message)}</p>\n<p><a href="/">Back</a></p>`));
}

// `crossOriginProtection: false` exists only so scripts/browser-test.mjs can show the attack
// succeeding without the protection; an app has no reason to turn it off.
function createApp({ crossOriginProtection = true } = {}) {
  checkProductionSecrets();
  const app = express();
  app.disable('x-powered-by');

  // Before the sessions: a POST, PUT, PATCH or DELETE that a browser says comes from another
  // site's page (Sec-Fetch-Site, or else Origin against Host) gets a 403 before any cookie is read
  // or written. Without it, another site could submit the login form and log a visitor in as
  // the attacker. curl and other non-browser clients send neither header and pass.
  if (crossOriginProtection) app.use(sessions.crossOriginProtection());

  app.use(
    sessions({
      cookieName: 'session',
      secret: secretFromEnv('SESSION_SECRET', DEV_ONLY_SESSION_SECRET),
      duration: 1 * HOUR,
      // Someone active in the last 5 minutes before expiry gets the session extended, so an
      // active user is not logged out mid-task while an idle one still expires within the hour.
      activeDuration: 5 * MINUTE,
      // Lax keeps the cookie off cross-site POSTs, so a form another site submits acts without
      // the visitor's session. It does not stop that POST from setting a cookie (login CSRF),
      // nor a sibling subdomain, which is the same site: crossOriginProtection above does that.
      cookie: { sameSite: 'lax' },
    }),
  );

  // A separate cookie with its own lifetime and key, so the cart outlives logging out and a week
  // of cart does not mean a week of being logged in.
  app.use(
    sessions({
      cookieName: 'cart',
      secret: secretFromEnv('CART_SECRET', DEV_ONLY_CART_SECRET),
      duration: 7 * DAY,
      cookie: { sameSite: 'lax' },
    }),
  );

  app.use(express.urlencoded({ extended: false }));

  // Pages and JSON here are per visitor, so no shared cache may keep them.
  app.use((req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  app.get('/', (req, res) => {
    req.session.visits = (Number.isSafeInteger(req.session.visits) ? req.session.visits : 0) + 1;
    res.type('html').send(
      homePage({
        user: req.session.user,
        visits: req.session.visits,
        items: cartItems(req.cart),
        backend: sessions.backend,
      }),
    );
  });

  app.post('/login', async (req, res, next) => {
    const username = req.body.username;
    // A repeated field arrives as an array, so check the type before the pattern.
    if (typeof username !== 'string' || !USERNAME.test(username)) {
      badRequest(res, 'The username must be 1 to 32 characters: letters A-Z, digits, "_" or "-".');
      return;
    }
    try {
      // Start a fresh session with a new lifetime at the privilege change, so nothing stored
      // before login carries over into the logged-in session.
      await req.session.regenerate();
      // Read req.session again: the object from before regenerate() belongs to the old session.
      req.session.user = { name: username, loggedInAt: Date.now() };
      res.redirect(303, '/');
    } catch (err) {
      next(err);
    }
  });

  app.post('/logout', (req, res) => {
    req.session.reset();
    res.redirect(303, '/');
  });

  app.post('/cart/add', (req, res) => {
    const id = req.body.id;
    if (typeof id !== 'string' || !findProduct(id)) {
      badRequest(res, 'Unknown product.');
      return;
    }
    if (!Array.isArray(req.cart.items)) req.cart.items = [];
    const item = req.cart.items.find((i) => i.id === id);
    // `item` is a live view into the cart, so bumping qty in place is enough to get the cookie
    // rewritten; nothing needs assigning back.
    if (item) item.qty += 1;
    else req.cart.items.push({ id, qty: 1 });
    res.redirect(303, '/');
  });

  app.post('/cart/clear', (req, res) => {
    req.cart.reset();
    res.redirect(303, '/');
  });

  // Only reads the sessions, so it sends no Set-Cookie and does not count as a visit.
  app.get('/api/session', (req, res) => {
    res.json({
      user: req.session.user ?? null,
      visits: Number.isSafeInteger(req.session.visits) ? req.session.visits : 0,
      cart: cartItems(req.cart),
    });
  });

  // Express's default handler prints stack traces outside production; a malformed body or a
  // bug should not show the app's internals to a visitor.
  app.use((err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = Number.isInteger(err.status) && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status >= 500) console.error(err);
    const message = status < 500 && err.expose ? err.message : 'Something went wrong.';
    res.status(status).type('html').send(page('Error', `<h1>Error ${status}</h1>\n<p class="error">${escapeHtml(message)}</p>`));
  });

  return app;
}

if (require.main === module) {
  const port = process.env.PORT || 3000;
  // Loopback by default so a demo with a public dev secret is not reachable from the network.
  const host = process.env.HOST || '127.0.0.1';
  let app;
  try {
    app = createApp();
  } catch (err) {
    console.error(`Not starting: ${err.message}`);
    process.exit(1);
  }
  const server = app.listen(port, host, () => {
    const { port: actualPort } = server.address();
    const shownHost = host.includes(':') ? `[${host}]` : host;
    console.log(`Listening on http://${shownHost}:${actualPort}/ (sessions backend: ${sessions.backend})`);
  });
}

module.exports = { createApp };
