//! Helpers shared by the integration tests.
#![allow(dead_code)]

use client_sessions_core::{
  derive_keys, Codec, CodecConfig, EncryptionAlgorithm, KeyMaterial, SignatureAlgorithm,
};
use zeroize::Zeroizing;

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
