//! Helpers shared by the integration tests.
#![allow(dead_code)]

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use client_sessions_core::{
  derive_keys, Codec, CodecConfig, EncryptionAlgorithm, KeyMaterial, SignatureAlgorithm,
};
use zeroize::Zeroizing;

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
  KeyMaterial {
    encryption: Zeroizing::new((0..encryption.key_len() as u8).map(|i| i ^ seed).collect()),
    signature: Zeroizing::new((0..64u8).map(|i| i.wrapping_mul(7) ^ seed ^ 0x5a).collect()),
  }
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
