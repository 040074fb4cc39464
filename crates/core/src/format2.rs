//! Format 2 (SECURITY.md, "Format 2: the specification"): XChaCha20-Poly1305 over
//! `issuedAt ‖ expiresAt ‖ JSON`, with the version, the chunk count and the key id in the clear
//! and authenticated, and the cookie name bound as associated data.
//!
//! ```text
//! B = [0x02][n][key id: 4][nonce: 24][ciphertext of P][tag: 16]
//! AD = B[0..6] ‖ UTF-8(cookieName)
//! P = issuedAt (u64 BE) ‖ expiresAt (u64 BE) ‖ JSON
//! ```

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, Tag, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// `B[0]`.
pub const VERSION: u8 = 0x02;
/// The most cookies one value may be split across (`B[1]` is 1 to this).
pub const MAX_CHUNKS: u8 = 4;
pub const KEY_ID_LEN: usize = 4;
pub const NONCE_LEN: usize = 24;
pub const TAG_LEN: usize = 16;
/// Version, chunk count, key id and nonce: the bytes before the ciphertext.
pub const HEADER_LEN: usize = 2 + KEY_ID_LEN + NONCE_LEN;
/// The authenticated bytes of `B` (the start of the associated data).
const AD_HEADER_LEN: usize = 2 + KEY_ID_LEN;
/// `issuedAt ‖ expiresAt`, the plaintext before the JSON.
const TIMESTAMPS_LEN: usize = 16;
/// The shortest `B`: an empty JSON text (never written, but a valid length).
pub const MIN_LEN: usize = HEADER_LEN + TIMESTAMPS_LEN + TAG_LEN;

const ENCRYPTION_KEY_INFO: &[u8] = b"client-sessions-native format 2 encryption key";
const KEY_ID_INFO: &[u8] = b"client-sessions-native format 2 key id";
const NAMED_KEY_ID_PREFIX: &[u8] = b"client-sessions-native format 2 key id:";

/// One key set's format 2 state: the AEAD with `K` (wiped on drop by the crate's `zeroize`
/// feature) and the key id its cookies carry.
pub struct Format2Key {
  pub aead: XChaCha20Poly1305,
  pub key_id: [u8; KEY_ID_LEN],
}

impl Format2Key {
  /// `K = HKDF-SHA256(salt = empty, ikm, info = "... encryption key", 32)`; the key id from
  /// `id` when given, else `HKDF-SHA256(salt = empty, ikm, info = "... key id", 4)`.
  pub fn new(ikm: &[u8], id: Option<&str>) -> Self {
    let key = encryption_key(ikm);
    let aead = XChaCha20Poly1305::new_from_slice(key.as_slice()).expect("a 32-byte key");
    Self {
      aead,
      key_id: key_id(ikm, id),
    }
  }
}

/// `K`, the format 2 encryption key of a key set with input key material `ikm`.
pub fn encryption_key(ikm: &[u8]) -> Zeroizing<[u8; 32]> {
  let mut key = Zeroizing::new([0u8; 32]);
  // An absent salt is HashLen zero bytes (RFC 5869 §2.2), the same as an empty one.
  Hkdf::<Sha256>::new(None, ikm)
    .expand(ENCRYPTION_KEY_INFO, key.as_mut_slice())
    .expect("32 bytes is a valid HKDF-SHA256 length");
  key
}

/// The key id: from the key set's `id` name when it has one, else derived from its key.
pub fn key_id(ikm: &[u8], id: Option<&str>) -> [u8; KEY_ID_LEN] {
  let mut out = [0u8; KEY_ID_LEN];
  match id {
    Some(id) => {
      let digest = Sha256::new()
        .chain_update(NAMED_KEY_ID_PREFIX)
        .chain_update(id.as_bytes())
        .finalize();
      out.copy_from_slice(&digest[..KEY_ID_LEN]);
    }
    None => Hkdf::<Sha256>::new(None, ikm)
      .expand(KEY_ID_INFO, &mut out)
      .expect("4 bytes is a valid HKDF-SHA256 length"),
  }
  out
}

/// The associated data: `B[0..6] ‖ cookieName`.
fn associated_data(head: &[u8], name: &[u8]) -> Vec<u8> {
  let mut ad = Vec::with_capacity(AD_HEADER_LEN + name.len());
  ad.extend_from_slice(&head[..AD_HEADER_LEN]);
  ad.extend_from_slice(name);
  ad
}

/// The bytes `B` of a cookie sealed with `key` (the caller has checked every argument).
pub fn seal(
  key: &Format2Key,
  name: &[u8],
  nonce: &[u8; NONCE_LEN],
  chunks: u8,
  issued_at: u64,
  expires_at: u64,
  json: &[u8],
) -> Vec<u8> {
  let mut bytes = Vec::with_capacity(MIN_LEN + json.len());
  bytes.push(VERSION);
  bytes.push(chunks);
  bytes.extend_from_slice(&key.key_id);
  bytes.extend_from_slice(nonce);
  bytes.extend_from_slice(&issued_at.to_be_bytes());
  bytes.extend_from_slice(&expires_at.to_be_bytes());
  bytes.extend_from_slice(json);
  let (head, plaintext) = bytes.split_at_mut(HEADER_LEN);
  let ad = associated_data(head, name);
  let tag = key
    .aead
    .encrypt_inout_detached(nonce.into(), &ad, plaintext.into())
    .expect("a cookie is far below XChaCha20-Poly1305's message limit");
  bytes.extend_from_slice(&tag);
  bytes
}

/// What [`open`] found in an authentic `B`.
pub struct Opened {
  pub issued_at: u64,
  pub expires_at: u64,
  /// The JSON's bytes, not yet checked to be UTF-8.
  pub json: Vec<u8>,
}

/// Verifies the tag of `bytes` (at least [`MIN_LEN`] long) with `key` and decrypts in place;
/// `None` when the tag does not verify. Nothing is released before the tag is checked: the
/// cipher verifies it before it decrypts.
pub fn open(key: &Format2Key, name: &[u8], mut bytes: Vec<u8>) -> Option<Opened> {
  debug_assert!(bytes.len() >= MIN_LEN);
  let tag_start = bytes.len() - TAG_LEN;
  let tag = Tag::try_from(&bytes[tag_start..]).expect("16 bytes");
  let (head, ciphertext) = bytes[..tag_start].split_at_mut(HEADER_LEN);
  let ad = associated_data(head, name);
  let nonce = <&XNonce>::try_from(&head[AD_HEADER_LEN..HEADER_LEN]).expect("24 bytes");
  key
    .aead
    .decrypt_inout_detached(nonce, &ad, ciphertext.into(), &tag)
    .ok()?;
  let timestamp = |at: usize| {
    u64::from_be_bytes(
      bytes[HEADER_LEN + at..HEADER_LEN + at + 8]
        .try_into()
        .expect("8 bytes"),
    )
  };
  let (issued_at, expires_at) = (timestamp(0), timestamp(8));
  bytes.truncate(tag_start);
  bytes.drain(..HEADER_LEN + TIMESTAMPS_LEN);
  Some(Opened {
    issued_at,
    expires_at,
    json: bytes,
  })
}

#[cfg(test)]
mod tests {
  use super::*;
  use chacha20poly1305::ChaCha20Poly1305;

  fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
  }

  fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
      .step_by(2)
      .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
      .collect()
  }

  /// draft-irtf-cfrg-xchacha-03, §A.3.1 (AEAD_XChaCha20_Poly1305).
  const DRAFT_KEY: &str = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
  const DRAFT_NONCE: &str = "404142434445464748494a4b4c4d4e4f5051525354555657";
  const DRAFT_AAD: &str = "50515253c0c1c2c3c4c5c6c7";
  const DRAFT_PLAINTEXT: &[u8] = b"Ladies and Gentlemen of the class of '99: If I could offer \
    you only one tip for the future, sunscreen would be it.";
  const DRAFT_CIPHERTEXT: &str = "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb\
    731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb\
    9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e";
  const DRAFT_TAG: &str = "c0875924c1c7987947deafd8780acf49";

  #[test]
  fn xchacha20_poly1305_matches_the_draft_test_vector() {
    let aead = XChaCha20Poly1305::new_from_slice(&unhex(DRAFT_KEY)).unwrap();
    let nonce: [u8; NONCE_LEN] = unhex(DRAFT_NONCE).try_into().unwrap();
    let mut buf = DRAFT_PLAINTEXT.to_vec();
    let tag = aead
      .encrypt_inout_detached(
        (&nonce).into(),
        &unhex(DRAFT_AAD),
        buf.as_mut_slice().into(),
      )
      .unwrap();
    assert_eq!(hex(&buf), DRAFT_CIPHERTEXT);
    assert_eq!(hex(&tag), DRAFT_TAG);
    aead
      .decrypt_inout_detached(
        (&nonce).into(),
        &unhex(DRAFT_AAD),
        buf.as_mut_slice().into(),
        &tag,
      )
      .unwrap();
    assert_eq!(buf, DRAFT_PLAINTEXT);
  }

  #[test]
  fn hchacha20_matches_the_draft_test_vector() {
    // §2.2.1.
    let key: [u8; 32] = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
      .try_into()
      .unwrap();
    let input: [u8; 16] = unhex("000000090000004a0000000031415927")
      .try_into()
      .unwrap();
    let out = chacha20::hchacha::<chacha20::R20>(&key.into(), &input.into());
    assert_eq!(
      hex(&out),
      "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"
    );
  }

  #[test]
  fn xchacha_is_chacha20_poly1305_under_the_hchacha20_subkey() {
    // What the js backend does with node:crypto: HChaCha20(K, nonce[0..16]) as the key,
    // 0x00000000 ‖ nonce[16..24] as the 12-byte nonce.
    let key: [u8; 32] = unhex(DRAFT_KEY).try_into().unwrap();
    let nonce = unhex(DRAFT_NONCE);
    let sub: [u8; 16] = nonce[..16].try_into().unwrap();
    let subkey = chacha20::hchacha::<chacha20::R20>(&key.into(), &sub.into());
    let mut short_nonce = [0u8; 12];
    short_nonce[4..].copy_from_slice(&nonce[16..]);
    let mut buf = DRAFT_PLAINTEXT.to_vec();
    let tag = ChaCha20Poly1305::new_from_slice(&subkey)
      .unwrap()
      .encrypt_inout_detached(
        (&short_nonce).into(),
        &unhex(DRAFT_AAD),
        buf.as_mut_slice().into(),
      )
      .unwrap();
    assert_eq!(hex(&buf), DRAFT_CIPHERTEXT);
    assert_eq!(hex(&tag), DRAFT_TAG);
  }

  #[test]
  fn hkdf_matches_rfc_5869_with_an_empty_salt() {
    // RFC 5869 A.3: zero-length salt and info.
    let mut okm = [0u8; 42];
    Hkdf::<Sha256>::new(None, &[0x0b; 22])
      .expand(b"", &mut okm)
      .unwrap();
    assert_eq!(
      hex(&okm),
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    );
    let mut with_empty_salt = [0u8; 42];
    Hkdf::<Sha256>::new(Some(&[]), &[0x0b; 22])
      .expand(b"", &mut with_empty_salt)
      .unwrap();
    assert_eq!(okm, with_empty_salt);
  }

  #[test]
  fn hkdf_is_the_two_hmacs_of_rfc_5869() {
    // Extract with HashLen zero bytes as the salt, then one block of Expand.
    use hmac::{Hmac, Mac};
    let ikm = b"a secret";
    let mut extract = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&[0u8; 32]).unwrap();
    extract.update(ikm);
    let prk = extract.finalize().into_bytes();
    let mut expand = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&prk).unwrap();
    expand.update(ENCRYPTION_KEY_INFO);
    expand.update(&[1]);
    assert_eq!(
      encryption_key(ikm).as_slice(),
      expand.finalize().into_bytes().as_slice()
    );
    let mut expand = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&prk).unwrap();
    expand.update(KEY_ID_INFO);
    expand.update(&[1]);
    assert_eq!(
      key_id(ikm, None),
      expand.finalize().into_bytes()[..4],
      "a derived key id is the first 4 bytes of the block"
    );
  }

  #[test]
  fn a_named_key_id_is_a_hash_of_the_name_only() {
    let mut hash = Sha256::new();
    hash.update(b"client-sessions-native format 2 key id:2026-12");
    assert_eq!(key_id(b"one", Some("2026-12")), hash.finalize()[..4]);
    assert_eq!(
      key_id(b"one", Some("2026-12")),
      key_id(b"two", Some("2026-12"))
    );
    assert_ne!(key_id(b"one", None), key_id(b"two", None));
    assert_ne!(key_id(b"one", None), key_id(b"one", Some("")));
  }

  #[test]
  fn seal_and_open_are_inverses_and_bind_the_name() {
    let key = Format2Key::new(b"a secret", None);
    let nonce = [7u8; NONCE_LEN];
    let bytes = seal(&key, b"session", &nonce, 1, 5, 9, br#"{"a":1}"#);
    assert_eq!(bytes.len(), MIN_LEN + 7);
    assert_eq!(bytes[0], VERSION);
    assert_eq!(bytes[1], 1);
    assert_eq!(bytes[2..6], key.key_id);
    assert_eq!(bytes[6..30], nonce);
    let opened = open(&key, b"session", bytes.clone()).unwrap();
    assert_eq!((opened.issued_at, opened.expires_at), (5, 9));
    assert_eq!(opened.json, br#"{"a":1}"#);
    assert!(open(&key, b"sessio", bytes.clone()).is_none());
    assert!(open(&Format2Key::new(b"another", None), b"session", bytes).is_none());
  }
}
