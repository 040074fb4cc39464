//! Any bytes as a cookie value or a whole Cookie header: decoding never panics, and nothing a
//! fuzzer can produce without the keys is ever a valid (or even authentic) session.
#![no_main]

use std::sync::LazyLock;

use client_sessions_core::{Codec, DecodeStatus, SignatureAlgorithm};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

static CODECS: LazyLock<[Codec; 2]> = LazyLock::new(|| {
  [
    common::codec(SignatureAlgorithm::Sha256),
    common::codec(SignatureAlgorithm::Sha256Drop128),
  ]
});

fuzz_target!(|data: &[u8]| {
  for codec in CODECS.iter() {
    let decoded = codec.decode(data, 1_700_000_000_000);
    assert_eq!(
      decoded.status,
      DecodeStatus::Invalid,
      "forged without the key"
    );
    assert!(decoded.json.is_none());
    let from_header = codec.decode_from_header(data, 1_700_000_000_000);
    assert!(matches!(
      from_header.status,
      DecodeStatus::Invalid | DecodeStatus::Absent
    ));
  }
});
