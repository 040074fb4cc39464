// Constants shared by the benchmark server (server.mjs) and the runner (run.mjs).

export const CONTENDERS = ['none', 'native', 'js', 'client-sessions', 'cookie-session', 'iron-session'];

// Reference servers with no session either, only for the instruction counts (instructions.mjs):
// `noop` is `none` plus one middleware that only calls next(), i.e. what Express itself charges
// for one more middleware layer.
export const REFERENCES = ['noop'];
/** Every server server.mjs can run. */
export const SERVERS = [...CONTENDERS, ...REFERENCES];
/** Servers without session middleware: they answer with fixed bodies and set no cookie. */
export const isSessionless = (name) => name === 'none' || REFERENCES.includes(name);

// 49 characters: long enough for iron-session's 32-character minimum password.
export const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
export const DURATION = 24 * 60 * 60 * 1000;

// A typical logged-in session, about 380 bytes of JSON: user, csrf token, a small cart,
// preferences.
export const SEED_SESSION = {
  user: {
    id: 48213,
    email: 'ada.lovelace@example.com',
    name: 'Ada Lovelace',
    roles: ['customer', 'beta-tester'],
  },
  csrfToken: 'q8Jr2vXkM1bT7wYh0sLdZc4NfPaE9uGi',
  loggedInAt: 1717430400000,
  cart: [
    { sku: 'BK-1042', qty: 1, priceCents: 2499 },
    { sku: 'MUG-007', qty: 2, priceCents: 1299 },
  ],
  prefs: { theme: 'dark', lang: 'en-GB', currency: 'GBP', tz: 'Europe/London' },
  flash: null,
};
