// The plain TypeScript ChaCha20-Poly1305 (src/backend/chacha20-poly1305.ts), which format 2 runs
// on the js backend where node:crypto has no chacha20-poly1305 (Bun): RFC 8439's vectors for
// each part, Poly1305's edge cases (RFC 8439 §A.3) and a BigInt reference for the arithmetic,
// draft-irtf-cfrg-xchacha-03's AEAD vector through the fallback, and agreement with node:crypto's
// cipher on random inputs, for sealing and for refusing any flipped bit. The codec taking this
// path where the cipher is missing is in format2.test.ts.
import { createCipheriv, createDecipheriv, getCiphers, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  chacha20,
  chacha20Block,
  chacha20Poly1305Decrypt,
  chacha20Poly1305Encrypt,
  poly1305,
  poly1305KeyGen,
} from '../src/backend/chacha20-poly1305';
import {
  JS_XCHACHA20_POLY1305,
  NODE_CRYPTO_XCHACHA20_POLY1305,
  XCHACHA20_POLY1305,
  keyWords,
  xchacha20poly1305Decrypt,
  xchacha20poly1305Encrypt,
} from '../src/backend/xchacha20';
import { BACKEND } from './helpers/backend';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const bytes = (from: number, count: number): Buffer => Buffer.from(Array.from({ length: count }, (_, i) => from + i));
const SUNSCREEN = Buffer.from("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
const NODE_HAS_IT = getCiphers().includes('chacha20-poly1305');

/** Poly1305 read literally from RFC 8439 §2.5.1, on BigInt: a reference for the limb arithmetic (tests only). */
function referencePoly1305(key: Uint8Array, message: Uint8Array): Buffer {
  const le = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  const p = (1n << 130n) - 5n;
  let acc = 0n;
  for (let i = 0; i < message.length; i += 16) {
    const block = message.subarray(i, i + 16);
    acc = ((acc + le(block) + (1n << BigInt(8 * block.length))) * r) % p;
  }
  acc = (acc + s) & ((1n << 128n) - 1n);
  return Buffer.from(acc.toString(16).padStart(32, '0'), 'hex').reverse();
}

/** node:crypto's ChaCha20-Poly1305: ciphertext, then tag. */
function nodeSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function nodeOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  decipher.setAAD(aad, { plaintextLength: sealed.length - 16 });
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - 16));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return plaintext;
}

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nonce12 = fc.uint8Array({ minLength: 12, maxLength: 12 });
const nonce24 = fc.uint8Array({ minLength: 24, maxLength: 24 });
const plaintext = fc.uint8Array({ minLength: 0, maxLength: 2000 });
const aad = fc.uint8Array({ minLength: 0, maxLength: 100 });
/** Bytes that reach Poly1305's carries and its final reduction: mostly 0xff, some 0x00. */
const extremeBytes = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).chain((random) =>
    fc.array(fc.constantFrom<'ff' | '00' | 'random'>('ff', 'ff', 'ff', '00', 'random'), { minLength: length, maxLength: length }).map((kinds) =>
      Uint8Array.from(kinds, (kind, i) => (kind === 'ff' ? 0xff : kind === '00' ? 0 : random[i]!)),
    ),
  );

describe(`ChaCha20-Poly1305 in plain TypeScript, RFC 8439's vectors (${BACKEND})`, () => {
  it('§2.3.2: the ChaCha20 block function', () => {
    expect(chacha20Block(bytes(0, 32), 1, hex('000000090000004a00000000')).toString('hex')).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' + 'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
  });

  it('§2.4.2: ChaCha20 encryption, from block counter 1', () => {
    const ciphertext = hex(`
      6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b
      f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8
      07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736
      5af90bbf74a35be6b40b8eedf2785e42874d`);
    const nonce = hex('000000000000004a00000000');
    expect(chacha20(bytes(0, 32), 1, nonce, SUNSCREEN).toString('hex')).toBe(ciphertext.toString('hex'));
    expect(chacha20(bytes(0, 32), 1, nonce, ciphertext).toString()).toBe(SUNSCREEN.toString());
  });

  it('§2.5.2: Poly1305', () => {
    const key = hex('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b');
    const message = Buffer.from('Cryptographic Forum Research Group');
    expect(poly1305(key, message).toString('hex')).toBe('a8061dc1305136c6c22b8baf0c0127a9');
    expect(referencePoly1305(key, message).toString('hex')).toBe('a8061dc1305136c6c22b8baf0c0127a9');
  });

  it('§2.6.2: the Poly1305 key from keystream block 0', () => {
    expect(poly1305KeyGen(bytes(0x80, 32), hex('000000000001020304050607')).toString('hex')).toBe(
      '8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646',
    );
  });

  const aeadKey = bytes(0x80, 32);
  const aeadNonce = hex('070000004041424344454647');
  const aeadAad = hex('50515253c0c1c2c3c4c5c6c7');
  const aeadCiphertext = hex(`
    d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6
    3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36
    92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc
    3ff4def08e4b7a9de576d26586cec64b6116`);
  const aeadTag = hex('1ae10b594f09e26a7e902ecbd0600691');

  it('§2.8.2: AEAD_CHACHA20_POLY1305 seals to the ciphertext and tag, and opens them', () => {
    const sealed = Buffer.concat([aeadCiphertext, aeadTag]);
    expect(chacha20Poly1305Encrypt(aeadKey, aeadNonce, aeadAad, SUNSCREEN).toString('hex')).toBe(sealed.toString('hex'));
    expect(chacha20Poly1305Decrypt(aeadKey, aeadNonce, aeadAad, sealed)?.toString()).toBe(SUNSCREEN.toString());
  });

  it('§2.8.2 refused with any byte of the ciphertext, tag or AD changed, or the key or nonce, and the input is left as it was', () => {
    const sealed = Buffer.concat([aeadCiphertext, aeadTag]);
    for (let i = 0; i < sealed.length; i++) {
      const forged = Buffer.from(sealed);
      forged[i]! ^= 0x80;
      const copy = Buffer.from(forged);
      expect(chacha20Poly1305Decrypt(aeadKey, aeadNonce, aeadAad, forged), `byte ${i}`).toBeUndefined();
      expect(forged.equals(copy)).toBe(true);
    }
    for (let i = 0; i < aeadAad.length; i++) {
      const forged = Buffer.from(aeadAad);
      forged[i]! ^= 0x01;
      expect(chacha20Poly1305Decrypt(aeadKey, aeadNonce, forged, sealed), `AD byte ${i}`).toBeUndefined();
    }
    expect(chacha20Poly1305Decrypt(Buffer.from(aeadKey).fill(0, 31), aeadNonce, aeadAad, sealed)).toBeUndefined();
    expect(chacha20Poly1305Decrypt(aeadKey, Buffer.from(aeadNonce).fill(0, 11), aeadAad, sealed)).toBeUndefined();
    expect(chacha20Poly1305Decrypt(aeadKey, aeadNonce, aeadAad.subarray(1), sealed)).toBeUndefined();
    expect(chacha20Poly1305Decrypt(aeadKey, aeadNonce, aeadAad, aeadTag.subarray(1))).toBeUndefined();
    expect(chacha20Poly1305Decrypt(aeadKey, aeadNonce, aeadAad, Buffer.alloc(0))).toBeUndefined();
    // A successful open leaves its input as it was too: the plaintext is a new buffer.
    const kept = Buffer.from(sealed);
    chacha20Poly1305Decrypt(aeadKey, aeadNonce, aeadAad, kept);
    expect(kept.equals(sealed)).toBe(true);
  });

  it('refuses keys and nonces of the wrong length', () => {
    expect(() => chacha20Poly1305Encrypt(Buffer.alloc(31), aeadNonce, aeadAad, SUNSCREEN)).toThrow(RangeError);
    expect(() => chacha20Poly1305Encrypt(aeadKey, Buffer.alloc(24), aeadAad, SUNSCREEN)).toThrow(RangeError);
    expect(() => chacha20Poly1305Decrypt(aeadKey, Buffer.alloc(8), aeadAad, SUNSCREEN)).toThrow(RangeError);
  });
});

describe(`Poly1305's limb arithmetic (${BACKEND})`, () => {
  // RFC 8439 §A.3 #5 to #11: h at or above p, the 2^130-5 wraparound, carries through every limb.
  const edgeCases: Array<[key: string, message: string, tag: string]> = [
    ['02' + '00'.repeat(31), 'ff'.repeat(16), '03' + '00'.repeat(15)],
    ['02' + '00'.repeat(15) + 'ff'.repeat(16), '02' + '00'.repeat(15), '03' + '00'.repeat(15)],
    ['01' + '00'.repeat(31), 'ff'.repeat(16) + 'f0' + 'ff'.repeat(15) + '11' + '00'.repeat(15), '05' + '00'.repeat(15)],
    ['01' + '00'.repeat(31), 'ff'.repeat(16) + 'fb' + 'fe'.repeat(15) + '01'.repeat(16), '00'.repeat(16)],
    ['02' + '00'.repeat(31), 'fd' + 'ff'.repeat(15), 'fa' + 'ff'.repeat(15)],
    [
      '0100000000000000' + '0400000000000000' + '00'.repeat(16),
      'e33594d7505e43b90000000000000000' + '3394d7505e4379cd0100000000000000' + '00'.repeat(16) + '01' + '00'.repeat(15),
      '1400000000000000' + '5500000000000000',
    ],
    [
      '0100000000000000' + '0400000000000000' + '00'.repeat(16),
      'e33594d7505e43b90000000000000000' + '3394d7505e4379cd0100000000000000' + '00'.repeat(16),
      '13' + '00'.repeat(15),
    ],
  ];

  it('§A.3 #5 to #11: the edge cases (and the BigInt reference agrees with each)', () => {
    for (const [key, message, tag] of edgeCases) {
      expect(referencePoly1305(hex(key), hex(message)).toString('hex'), message).toBe(tag);
      expect(poly1305(hex(key), hex(message)).toString('hex'), message).toBe(tag);
    }
  });

  it('equals the BigInt reference for random keys and messages of every length', () => {
    fc.assert(
      fc.property(key32, fc.uint8Array({ maxLength: 300 }), (key, message) => {
        expect(poly1305(key, message).toString('hex')).toBe(referencePoly1305(key, message).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('equals the BigInt reference where carries and the final reduction are exercised: keys and messages mostly of 0xff', () => {
    fc.assert(
      fc.property(extremeBytes(32), fc.integer({ min: 0, max: 200 }).chain(extremeBytes), (key, message) => {
        expect(poly1305(key, message).toString('hex')).toBe(referencePoly1305(key, message).toString('hex'));
      }),
      { numRuns: 500 },
    );
    for (const length of [0, 1, 15, 16, 17, 32, 64, 160, 1024]) {
      for (const [key, message] of [
        [Buffer.alloc(32, 0xff), Buffer.alloc(length, 0xff)],
        [Buffer.concat([Buffer.alloc(16, 0xff), Buffer.alloc(16)]), Buffer.alloc(length, 0xff)],
        [Buffer.concat([Buffer.alloc(16, 0xff), Buffer.alloc(16, 0xff)]), Buffer.alloc(length)],
      ] as const) {
        expect(poly1305(key, message).toString('hex'), `length ${length}`).toBe(referencePoly1305(key, message).toString('hex'));
      }
    }
  });
});

describe(`XChaCha20-Poly1305 on the plain ChaCha20-Poly1305 (${BACKEND})`, () => {
  const key = bytes(0x80, 32);
  const nonce = bytes(0x40, 24);
  const ad = hex('50515253c0c1c2c3c4c5c6c7');
  const sealed = hex(`
    bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39
    ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
    21f9664c97637da9768812f615c68b13b52e
    c0875924c1c7987947deafd8780acf49`);

  it('draft-irtf-cfrg-xchacha-03 §A.3.1 through the fallback: the ciphertext and tag, and they open', () => {
    expect(JS_XCHACHA20_POLY1305.name).toBe('js');
    expect(xchacha20poly1305Encrypt(key, nonce, ad, SUNSCREEN, JS_XCHACHA20_POLY1305).toString('hex')).toBe(sealed.toString('hex'));
    expect(xchacha20poly1305Decrypt(key, nonce, ad, sealed, JS_XCHACHA20_POLY1305)?.toString()).toBe(SUNSCREEN.toString());
    for (let i = 0; i < sealed.length; i++) {
      const forged = Buffer.from(sealed);
      forged[i]! ^= 0x01;
      expect(xchacha20poly1305Decrypt(key, nonce, ad, forged, JS_XCHACHA20_POLY1305), `byte ${i}`).toBeUndefined();
    }
    expect(xchacha20poly1305Decrypt(key, Buffer.from(nonce).fill(0, 23), ad, sealed, JS_XCHACHA20_POLY1305)).toBeUndefined();
    expect(xchacha20poly1305Decrypt(key, Buffer.from(nonce).fill(0, 0, 1), ad, sealed, JS_XCHACHA20_POLY1305)).toBeUndefined();
  });

  it('seals in place with the nonce inside the buffer, as the codec does, and opens a view of it', () => {
    // B = header ‖ nonce ‖ plaintext ‖ room for the tag, sealed where it lies.
    const b = Buffer.concat([hex('020100000000'), nonce, SUNSCREEN, Buffer.alloc(16)]);
    JS_XCHACHA20_POLY1305.seal(keyWords(key), b, 6, ad, b, 30, 30 + SUNSCREEN.length);
    expect(b.subarray(30).toString('hex')).toBe(sealed.toString('hex'));
    expect(JS_XCHACHA20_POLY1305.open(keyWords(key), b, 6, ad, b.subarray(30))?.toString()).toBe(SUNSCREEN.toString());
    expect(b.subarray(30).toString('hex')).toBe(sealed.toString('hex'));
  });

  it('is what this process uses only when node:crypto lacks chacha20-poly1305', () => {
    expect(XCHACHA20_POLY1305).toBe(NODE_HAS_IT ? NODE_CRYPTO_XCHACHA20_POLY1305 : JS_XCHACHA20_POLY1305);
  });
});

describe.skipIf(!NODE_HAS_IT)(`the plain ChaCha20-Poly1305 and node:crypto's agree (${BACKEND})`, () => {
  it('ChaCha20 from any block counter', () => {
    fc.assert(
      fc.property(key32, nonce12, fc.integer({ min: 0, max: 2 ** 32 - 64 }), fc.uint8Array({ maxLength: 1000 }), (key, nonce, counter, data) => {
        const iv = Buffer.concat([Buffer.alloc(4), nonce]);
        iv.writeUInt32LE(counter, 0);
        const cipher = createCipheriv('chacha20', key, iv);
        const expected = Buffer.concat([cipher.update(data), cipher.final()]);
        expect(chacha20(key, counter, nonce, data).toString('hex')).toBe(expected.toString('hex'));
      }),
      { numRuns: 200 },
    );
  });

  it('AEAD: the same ciphertext and tag for any key, nonce, AD (0 to 100 bytes) and plaintext (0 to 2000), and each opens the other', () => {
    fc.assert(
      fc.property(key32, nonce12, aad, plaintext, (key, nonce, ad, plain) => {
        const mine = chacha20Poly1305Encrypt(key, nonce, ad, plain);
        const theirs = nodeSeal(key, nonce, ad, plain);
        expect(mine.toString('hex')).toBe(theirs.toString('hex'));
        expect(chacha20Poly1305Decrypt(key, nonce, ad, theirs)?.equals(plain)).toBe(true);
        expect(nodeOpen(key, nonce, ad, mine)?.equals(plain)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('AEAD: any single flipped bit in the ciphertext, the tag or the AD is refused by both', () => {
    fc.assert(
      fc.property(key32, nonce12, aad, plaintext, fc.nat(), fc.integer({ min: 0, max: 7 }), (key, nonce, ad, plain, at, bit) => {
        const sealed = nodeSeal(key, nonce, ad, plain);
        const span = sealed.length + ad.length;
        const where = at % span;
        const forgedSealed = Buffer.from(sealed);
        const forgedAd = Buffer.from(ad);
        if (where < sealed.length) forgedSealed[where]! ^= 1 << bit;
        else forgedAd[where - sealed.length]! ^= 1 << bit;
        expect(chacha20Poly1305Decrypt(key, nonce, forgedAd, forgedSealed)).toBeUndefined();
        expect(nodeOpen(key, nonce, forgedAd, forgedSealed)).toBeUndefined();
        expect(chacha20Poly1305Decrypt(key, nonce, ad, sealed)?.equals(plain)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('XChaCha20-Poly1305: the fallback and node:crypto give the same bytes and refuse the same flips', () => {
    fc.assert(
      fc.property(key32, nonce24, aad, plaintext, fc.nat(), fc.integer({ min: 0, max: 7 }), (key, nonce, ad, plain, at, bit) => {
        const mine = xchacha20poly1305Encrypt(key, nonce, ad, plain, JS_XCHACHA20_POLY1305);
        const theirs = xchacha20poly1305Encrypt(key, nonce, ad, plain, NODE_CRYPTO_XCHACHA20_POLY1305);
        expect(mine.toString('hex')).toBe(theirs.toString('hex'));
        expect(xchacha20poly1305Decrypt(key, nonce, ad, theirs, JS_XCHACHA20_POLY1305)?.equals(plain)).toBe(true);
        const forged = Buffer.from(mine);
        forged[at % forged.length]! ^= 1 << bit;
        expect(xchacha20poly1305Decrypt(key, nonce, ad, forged, JS_XCHACHA20_POLY1305)).toBeUndefined();
        expect(xchacha20poly1305Decrypt(key, nonce, ad, forged, NODE_CRYPTO_XCHACHA20_POLY1305)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('agree at the lengths around block and pad boundaries', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    for (const adLength of [0, 1, 15, 16, 17, 100]) {
      const ad = randomBytes(adLength);
      for (const length of [0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 2000]) {
        const plain = randomBytes(length);
        expect(chacha20Poly1305Encrypt(key, nonce, ad, plain).equals(nodeSeal(key, nonce, ad, plain)), `AD ${adLength}, length ${length}`).toBe(true);
      }
    }
  });
});

describe(`the plain ChaCha20-Poly1305's source (${BACKEND})`, () => {
  const source = readFileSync(join(__dirname, '..', 'src', 'backend', 'chacha20-poly1305.ts'), 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');

  it('uses no BigInt', () => {
    expect(source).not.toMatch(/\bBigInt\b|\b\d+n\b/);
  });

  it('open compares the tag with timingSafeEqual, and decrypts only after that', () => {
    const body = source.slice(source.indexOf('export function open('), source.indexOf('\n}\n', source.indexOf('export function open(')));
    const compare = body.indexOf('timingSafeEqual(');
    const decrypt = body.indexOf('chacha20XorInPlace(');
    expect(compare).toBeGreaterThan(0);
    expect(decrypt).toBeGreaterThan(compare);
    expect(body.slice(compare, decrypt)).toMatch(/return undefined/);
  });
});
