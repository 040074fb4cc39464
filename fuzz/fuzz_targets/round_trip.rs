//! Any text round-trips through encode and decode, and changing any one byte of the cookie is
//! refused unless it only touched bits the decoder ignores (then the session is unchanged).
#![no_main]

use std::sync::LazyLock;

use client_sessions_core::{Codec, DecodeStatus, SignatureAlgorithm};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

static CODEC: LazyLock<Codec> = LazyLock::new(|| common::codec(SignatureAlgorithm::Sha256));

fuzz_target!(|input: (String, u32, u16, u8, [u8; 16])| {
  let (json, created_at, at, byte, iv) = input;
  let created_at = u64::from(created_at) * 1000;
  let Ok(cookie) = CODEC.encode_with_iv(&json, created_at, 86_400_000, &iv, created_at, 1) else {
    return;
  };
  let decoded = CODEC.decode(cookie.as_bytes(), created_at);
  assert_eq!(decoded.status, DecodeStatus::Valid);
  assert_eq!(decoded.json.as_deref(), Some(json.as_str()));

  let mut forged = cookie.clone().into_bytes();
  let i = usize::from(at) % forged.len();
  if forged[i] == byte {
    return;
  }
  forged[i] = byte;
  let again = CODEC.decode(&forged, created_at);
  if again.status == DecodeStatus::Valid {
    // Only a respelling: the same content, and the change sits in a field's last character.
    assert_eq!(again.json.as_deref(), Some(json.as_str()));
    let ends: Vec<usize> = cookie
      .match_indices('.')
      .map(|(dot, _)| dot - 1)
      .chain([cookie.len() - 1])
      .collect();
    assert!(
      ends.contains(&i),
      "a change at {i} of {cookie} was accepted"
    );
  } else {
    assert_eq!(again.status, DecodeStatus::Invalid);
  }
});
