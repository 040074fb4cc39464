// The codecs the targets share: built once per process, with keys no input can know.
use client_sessions_core::{
  derive_keys, Codec, CodecConfig, EncryptionAlgorithm, SignatureAlgorithm,
};

pub fn codec(signature: SignatureAlgorithm) -> Codec {
  Codec::new(CodecConfig {
    cookie_name: "session".to_owned(),
    encryption: EncryptionAlgorithm::Aes256,
    signature,
    keys: vec![
      derive_keys(b"a fuzzing secret, long enough to be realistic"),
      derive_keys(b"an older fuzzing secret, also long enough"),
    ],
    active_duration: 300_000,
  })
  .expect("valid config")
}
