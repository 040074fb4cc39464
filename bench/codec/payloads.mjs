// The three sessions the codec benchmark encodes and decodes. Plain JSON data only (no
// undefined, Dates or functions), so every contender round-trips them to a deep-equal object.
// Sizes are JSON.stringify's UTF-8 bytes; run.mjs prints the exact numbers.

import { SEED_SESSION } from '../http/shared.mjs';

// ~40 B: a nearly empty session (an anonymous visitor with only a CSRF token).
const SMALL = {
  csrfToken: 'q8Jr2vXkM1bT7wYh0sLdZc4N',
};

// ~380 B: a typical login (user id/email/roles, a CSRF token, a small cart, preferences): the
// same session the HTTP benchmark seeds, so the two benchmarks measure the same data.
const TYPICAL = SEED_SESSION;

// ~2.5 KB: a large session (a full cart, recently viewed items, feature flags, a flash
// message with non-ASCII text), close to what still fits a 4 KB cookie once encrypted.
const LARGE = {
  ...TYPICAL,
  user: {
    ...TYPICAL.user,
    roles: ['customer', 'beta-tester', 'reviewer', 'newsletter'],
    address: { line1: '12 St James’s Square', city: 'London', postcode: 'SW1Y 4JH', country: 'GB' },
  },
  cart: Array.from({ length: 17 }, (_, i) => ({
    sku: `SKU-${String(1000 + i * 37)}`,
    name: `Catalogue item number ${i + 1}`,
    qty: (i % 3) + 1,
    priceCents: 499 + i * 250,
    giftWrap: i % 4 === 0,
  })),
  recentlyViewed: Array.from({ length: 24 }, (_, i) => `SKU-${String(2000 + i * 53)}`),
  flags: { newCheckout: true, darkModeBeta: false, searchV2: true, recommendations: 'variant-b' },
  flash: { kind: 'info', text: 'Bienvenue à nouveau, Ada — votre panier a été restauré ✓' },
};

/** In the order the tables and charts show them. */
export const PAYLOADS = [
  { name: 'small', label: 'nearly empty session', value: SMALL },
  { name: 'typical', label: 'typical login', value: TYPICAL },
  { name: 'large', label: 'large session', value: LARGE },
].map((p) => ({ ...p, json: JSON.stringify(p.value), bytes: Buffer.byteLength(JSON.stringify(p.value), 'utf8') }));
