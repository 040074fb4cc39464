//! The client-sessions v0.8 cookie codec and format 2, free of any Node.js binding so that
//! `cargo test` runs it directly.
//!
//! A format 1 cookie value is `b64(iv) . b64(ciphertext) . createdAt . duration . b64(mac)`,
//! where the plaintext is `cookieName=JSON`, the cipher is AES-CBC with PKCS#7 padding and the
//! MAC is an HMAC over `iv . ciphertext . createdAt . duration` (raw bytes for the first two
//! fields). A format 2 value is the base64url of XChaCha20-Poly1305's output behind a version,
//! a chunk count and a key id (SECURITY.md, "Format 2: the specification"; `format2.rs`).
#![deny(clippy::all)]
#![forbid(unsafe_code)]

mod algorithm;
mod base64url;
mod codec;
mod decoded;
mod error;
mod format2;
mod header;
mod keys;
mod wire;

pub use algorithm::{EncryptionAlgorithm, SignatureAlgorithm};
pub use codec::{Codec, CodecConfig, MAX_COOKIE_VALUE_LEN, MAX_TIMESTAMP};
pub use decoded::{CookieFormat, DecodeStatus, Decoded, InvalidReason};
pub use error::{ConfigError, EncodeError};
pub use format2::{KEY_ID_LEN, MAX_CHUNKS, NONCE_LEN};
pub use header::{chunk_values, cookie_values};
pub use keys::{derive_keys, KeyMaterial};

/// Internals the fuzz targets (fuzz/) call directly; not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
  pub use crate::base64url::{
    decode as base64url_decode, decode_canonical as base64url_decode_canonical,
    encode_into as base64url_encode_into,
  };
}
