//! Format 2 decoding of any bytes: as a value, as the bytes `B` behind base64url, and as `B`
//! behind a correct version, chunk count and key id (so that the AEAD itself is reached). It
//! never panics, and nothing forged without the key is ever valid or even authentic.
#![no_main]

use std::sync::LazyLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use client_sessions_core::{Codec, DecodeStatus, SignatureAlgorithm};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

static CODECS: LazyLock<[Codec; 2]> = LazyLock::new(|| {
  [
    common::format2_codec(),
    common::codec(SignatureAlgorithm::Sha256),
  ]
});

const NOW: u64 = 1_700_000_000_000;

fn refused(codec: &Codec, value: &[u8]) {
  let decoded = codec.decode(value, NOW);
  assert_eq!(
    decoded.status,
    DecodeStatus::Invalid,
    "forged without the key"
  );
  assert!(decoded.json.is_none());
  assert_eq!(decoded.chunk_cookies, 0);
}

fuzz_target!(|input: (u8, u8, &[u8])| {
  let (chunks, key, data) = input;
  for codec in CODECS.iter() {
    refused(codec, data);
    refused(codec, URL_SAFE_NO_PAD.encode(data).as_bytes());
    let key_id = codec.key_id(usize::from(key % 2)).expect("two key sets");
    let mut bytes = vec![2, chunks % 6];
    bytes.extend_from_slice(&key_id);
    bytes.extend_from_slice(data);
    refused(codec, URL_SAFE_NO_PAD.encode(&bytes).as_bytes());
  }
});
