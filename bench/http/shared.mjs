// Constants shared by the benchmark server (server.mjs) and the runners (run.mjs,
// instructions.mjs): the frameworks, their contenders, the session and the targets.

// One entry per framework. `bare` is its server without any session (the 100% every contender
// is compared with), `baseline` the established middleware our ratios are quoted against.
// `baseline` null: none (ratios against it are left out). `runtime: 'bun'`: the server process
// runs on Bun (node_modules/bun), not on the Node running the benchmark.
// `references` are sessionless servers measured only when named (instructions.mjs uses them):
// `noop` is `bare` plus one do-nothing middleware (Express, Hono) or onSend hook (Fastify), i.e.
// what the framework itself charges for one more layer, the least a session layer can cost.
export const FRAMEWORKS = {
  express4: {
    label: 'Express 4',
    module: 'express',
    bare: 'none',
    baseline: 'client-sessions',
    contenders: ['none', 'native', 'js', 'client-sessions', 'cookie-session', 'iron-session'],
    references: ['noop'],
  },
  // Fewer contenders than Express 4: the same middlewares behave the same on both, and the
  // full run has to fit in ~15 minutes.
  express5: {
    label: 'Express 5',
    module: 'express5',
    bare: 'none',
    baseline: 'client-sessions',
    contenders: ['none', 'native', 'js', 'client-sessions'],
    references: ['noop'],
  },
  fastify: {
    label: 'Fastify 5',
    module: 'fastify',
    bare: 'bare',
    baseline: 'secure-session',
    contenders: ['bare', 'native', 'js', 'secure-session'],
    references: ['noop'],
  },
  // Hono on Node through its adapter (`server`): our middleware (client-sessions-native/hono)
  // against iron-session 8 on the Web Request and Response, getIronSession(c.req.raw, c.res).
  hono: {
    label: 'Hono 4',
    module: 'hono',
    server: '@hono/node-server',
    bare: 'bare',
    baseline: 'iron-session',
    contenders: ['bare', 'native', 'js', 'iron-session'],
    references: ['noop'],
    // --quick times only these (the others are checked, not timed): the smoke run stays short.
    quick: ['native'],
  },
  // Bun's own server, the server process run by Bun (`runtime`): a fetch handler with our Web
  // store (client-sessions-native/web) against the same handler without sessions. No baseline:
  // the figures are for ours on Bun beside bare Bun.
  bun: {
    label: 'Bun.serve',
    module: 'bun',
    runtime: 'bun',
    bare: 'bare',
    baseline: null,
    contenders: ['bare', 'native', 'js'],
    references: [],
    quick: ['native'],
  },
};
export const FRAMEWORK_NAMES = Object.keys(FRAMEWORKS);
// A contender named without a framework (`native`, the CLI of before there were frameworks).
export const DEFAULT_FRAMEWORK = 'express4';

/** `fastify:native` or `native` (Express 4) -> { id, framework, contender }; throws on unknown names. */
export function parseServerId(name) {
  const colon = name.indexOf(':');
  const framework = colon < 0 ? DEFAULT_FRAMEWORK : name.slice(0, colon);
  const contender = colon < 0 ? name : name.slice(colon + 1);
  const fw = FRAMEWORKS[framework];
  if (!fw) throw new Error(`unknown framework ${JSON.stringify(framework)} in ${JSON.stringify(name)}: use one of ${FRAMEWORK_NAMES.join(', ')}`);
  if (!fw.contenders.includes(contender) && !fw.references.includes(contender)) {
    throw new Error(`unknown contender ${JSON.stringify(contender)} for ${framework}: use one of ${[...fw.contenders, ...fw.references].join(', ')}`);
  }
  return { id: `${framework}:${contender}`, framework, contender };
}

/** Servers without session middleware: they answer with fixed bodies and set no cookie. */
export const isSessionless = (framework, contender) =>
  contender === FRAMEWORKS[framework].bare || FRAMEWORKS[framework].references.includes(contender);

export const HOST = '127.0.0.1';

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

// The answer of GET /none, the route that carries the cookie and never touches the session.
export const NONE_BODY = { ok: true };

// What the results are judged against, for `native` (the default backend). Two kinds, both
// on a cost per request (µs from req/s in run.mjs, instructions in instructions.mjs):
//   speedup:  cost(versus) / cost(native) >= min   (for req/s: native's req/s ÷ versus')
//   overhead: (cost(native) - cost(bare)) / (cost(versus) - cost(bare)) <= max, i.e. what the
//             session layer adds to a request, against what `versus` adds.
export const TARGETED = 'native';
export const TARGETS = [
  { framework: 'fastify', route: 'read', kind: 'speedup', versus: 'secure-session', min: 1.3 },
  { framework: 'fastify', route: 'write', kind: 'speedup', versus: 'secure-session', min: 1.5 },
  // Ours decodes lazily, so a request that never looks at the session should cost next to
  // nothing; @fastify/secure-session decrypts every cookie in onRequest.
  { framework: 'fastify', route: 'none', kind: 'speedup', versus: 'bare', min: 0.95 },
  // iron-session derives both keys (PBKDF2, one iteration) and runs AES-CBC and HMAC through Web
  // Crypto, every step a promise, on each read and each save.
  { framework: 'hono', route: 'read', kind: 'speedup', versus: 'iron-session', min: 5 },
  { framework: 'hono', route: 'write', kind: 'speedup', versus: 'iron-session', min: 5 },
  ...['express4', 'express5'].flatMap((framework) =>
    ['read', 'write'].map((route) => ({ framework, route, kind: 'overhead', versus: 'client-sessions', max: 1 / 3 })),
  ),
];
