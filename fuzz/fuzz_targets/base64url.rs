//! The SIMD base64url decoder against the `base64` crate configured as client-sessions' decoder
//! behaved (unpadded URL-safe, unused bits of the last character ignored), and encode/decode as
//! exact inverses.
#![no_main]

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use client_sessions_core::fuzzing::{base64url_decode, base64url_encode_into};
use libfuzzer_sys::fuzz_target;

const LENIENT: GeneralPurpose = GeneralPurpose::new(
  &URL_SAFE,
  GeneralPurposeConfig::new()
    .with_encode_padding(false)
    .with_decode_padding_mode(DecodePaddingMode::RequireNone)
    .with_decode_allow_trailing_bits(true),
);

fuzz_target!(|data: &[u8]| {
  assert_eq!(base64url_decode(data), LENIENT.decode(data).ok());
  let mut text = Vec::new();
  base64url_encode_into(data, &mut text);
  assert_eq!(text, LENIENT.encode(data).into_bytes());
  assert_eq!(base64url_decode(&text).as_deref(), Some(data));
});
