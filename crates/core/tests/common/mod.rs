//! Helpers shared by the integration tests.
#![allow(dead_code)]

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use client_sessions_core::{
  derive_keys, Codec, CodecConfig, CookieFormat, EncryptionAlgorithm, KeyMaterial,
  SignatureAlgorithm,
};

/// The reference for what client-sessions' decoder read the same: unpadded base64url whose last
/// character's unused bits do not matter.
pub const LENIENT: GeneralPurpose = GeneralPurpose::new(
  &URL_SAFE,
  GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::RequireNone)
    .with_decode_allow_trailing_bits(true),
);

/// Whether `forged` is the same cookie as `original` spelled differently: the same numbers, and
/// iv, ciphertext and tag texts that decode to the same bytes.
pub fn same_cookie(original: &[u8], forged: &[u8]) -> bool {
  let (a, b): (Vec<&[u8]>, Vec<&[u8]>) = (
    original.split(|&c| c == b'.').collect(),
    forged.split(|&c| c == b'.').collect(),
  );
  a.len() == 5
    && b.len() == 5
    && (0..5).all(|i| match i {
      2 | 3 => a[i] == b[i],
      _ => matches!((LENIENT.decode(a[i]), LENIENT.decode(b[i])), (Ok(x), Ok(y)) if x == y),
    })
}

pub const ENCRYPTION: [EncryptionAlgorithm; 3] = [
  EncryptionAlgorithm::Aes128,
  EncryptionAlgorithm::Aes192,
  EncryptionAlgorithm::Aes256,
];

pub const SIGNATURE: [SignatureAlgorithm; 6] = [
  SignatureAlgorithm::Sha256,
  SignatureAlgorithm::Sha256Drop128,
  SignatureAlgorithm::Sha384,
  SignatureAlgorithm::Sha384Drop192,
  SignatureAlgorithm::Sha512,
  SignatureAlgorithm::Sha512Drop256,
];

pub const ACTIVE: u64 = 5 * 60 * 1000;
pub const DAY: u64 = 24 * 60 * 60 * 1000;
pub const T0: u64 = 1_700_000_000_000;

pub fn raw_keys(seed: u8, encryption: EncryptionAlgorithm) -> KeyMaterial {
  KeyMaterial::from_raw(
    (0..encryption.key_len() as u8).map(|i| i ^ seed).collect(),
    (0..64u8).map(|i| i.wrapping_mul(7) ^ seed ^ 0x5a).collect(),
  )
}

pub fn codec_with(
  name: &str,
  encryption: EncryptionAlgorithm,
  signature: SignatureAlgorithm,
  keys: Vec<KeyMaterial>,
) -> Codec {
  Codec::new(CodecConfig {
    cookie_name: name.to_owned(),
    encryption,
    signature,
    keys,
    active_duration: ACTIVE,
    format: CookieFormat::V1,
    absolute_duration: 0,
  })
  .expect("valid config")
}

pub fn secret_codec(name: &str, secrets: &[&str]) -> Codec {
  codec_with(
    name,
    EncryptionAlgorithm::Aes256,
    SignatureAlgorithm::Sha256,
    secrets.iter().map(|s| derive_keys(s.as_bytes())).collect(),
  )
}

pub fn config(name: &str, keys: Vec<KeyMaterial>, format: CookieFormat) -> CodecConfig {
  CodecConfig {
    cookie_name: name.to_owned(),
    encryption: EncryptionAlgorithm::Aes256,
    signature: SignatureAlgorithm::Sha256,
    keys,
    active_duration: ACTIVE,
    format,
    absolute_duration: 0,
  }
}

/// A format 2 codec (aes256/sha256 for the format 1 cookies it also reads).
pub fn format2_codec(name: &str, keys: Vec<KeyMaterial>) -> Codec {
  Codec::new(config(name, keys, CookieFormat::V2)).expect("valid config")
}

pub fn format2_secret_codec(name: &str, secrets: &[&str]) -> Codec {
  format2_codec(
    name,
    secrets.iter().map(|s| derive_keys(s.as_bytes())).collect(),
  )
}

/// Strict base64url, as format 2 writes it.
pub fn b64(bytes: &[u8]) -> String {
  base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Vec<u8> {
  base64::engine::general_purpose::URL_SAFE_NO_PAD
    .decode(text)
    .expect("base64url")
}

pub fn hex(bytes: &[u8]) -> String {
  bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Vec<u8> {
  (0..text.len())
    .step_by(2)
    .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
    .collect()
}

/// An independent format 2 sealer, built from the primitives as SECURITY.md states them (the
/// codec's own is not used): `K` and the key id from HKDF/SHA-256, then XChaCha20-Poly1305.
pub mod spec {
  use chacha20poly1305::aead::AeadInOut;
  use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
  use hkdf::Hkdf;
  use sha2::{Digest, Sha256};

  pub fn encryption_key(ikm: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&[]), ikm)
      .expand(b"client-sessions-native format 2 encryption key", &mut key)
      .unwrap();
    key
  }

  pub fn key_id(ikm: &[u8], id: Option<&str>) -> [u8; 4] {
    let mut out = [0u8; 4];
    match id {
      Some(id) => {
        let mut hash = Sha256::new();
        hash.update(b"client-sessions-native format 2 key id:");
        hash.update(id.as_bytes());
        out.copy_from_slice(&hash.finalize()[..4]);
      }
      None => Hkdf::<Sha256>::new(Some(&[]), ikm)
        .expand(b"client-sessions-native format 2 key id", &mut out)
        .unwrap(),
    }
    out
  }

  /// `B[0..6]`, the associated data and the plaintext, for the vectors file.
  pub struct Parts {
    pub ad: Vec<u8>,
    pub plaintext: Vec<u8>,
    pub bytes: Vec<u8>,
  }

  /// `B` with any header bytes and any plaintext content, sealed with `key`.
  #[allow(clippy::too_many_arguments)]
  pub fn seal_raw(
    key: &[u8; 32],
    version: u8,
    chunks: u8,
    kid: [u8; 4],
    nonce: [u8; 24],
    name: &[u8],
    issued_at: u64,
    expires_at: u64,
    json: &[u8],
  ) -> Parts {
    let mut head = vec![version, chunks];
    head.extend_from_slice(&kid);
    let mut ad = head.clone();
    ad.extend_from_slice(name);
    let mut plaintext = issued_at.to_be_bytes().to_vec();
    plaintext.extend_from_slice(&expires_at.to_be_bytes());
    plaintext.extend_from_slice(json);
    let mut sealed = plaintext.clone();
    let tag = XChaCha20Poly1305::new_from_slice(key)
      .unwrap()
      .encrypt_inout_detached((&nonce).into(), &ad, sealed.as_mut_slice().into())
      .unwrap();
    let mut bytes = head;
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&sealed);
    bytes.extend_from_slice(&tag);
    Parts {
      ad,
      plaintext,
      bytes,
    }
  }
}
