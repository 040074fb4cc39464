// The codecs the targets share: built once per process, with keys no input can know.
#![allow(dead_code)]

use client_sessions_core::{
  derive_keys, Codec, CodecConfig, CookieFormat, EncryptionAlgorithm, SignatureAlgorithm,
};

pub fn codec(signature: SignatureAlgorithm) -> Codec {
  codec_of(signature, CookieFormat::V1, 0)
}

/// A format 2 codec (one named key id, one derived) with an absolute duration.
pub fn format2_codec() -> Codec {
  codec_of(SignatureAlgorithm::Sha256, CookieFormat::V2, 7 * 86_400_000)
}

fn codec_of(signature: SignatureAlgorithm, format: CookieFormat, absolute_duration: u64) -> Codec {
  Codec::new(CodecConfig {
    cookie_name: "session".to_owned(),
    encryption: EncryptionAlgorithm::Aes256,
    signature,
    keys: vec![
      derive_keys(b"a fuzzing secret, long enough to be realistic").with_id("fuzz"),
      derive_keys(b"an older fuzzing secret, also long enough"),
    ],
    active_duration: 300_000,
    format,
    absolute_duration,
  })
  .expect("valid config")
}
