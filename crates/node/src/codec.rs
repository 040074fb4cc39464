//! `NativeCodec`: one object per cookie name, holding keys prepared at construction, with one
//! native call per cookie for each operation.

use client_sessions_core::{
  derive_keys, Codec, CodecConfig, CookieFormat, EncryptionAlgorithm, KeyMaterial,
  SignatureAlgorithm, MAX_CHUNKS,
};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::convert::{coded, millis, now_millis, CodedError};
use crate::packed::pack;
use crate::text::{Utf8Out, Utf8Text};

/// One key set: a `secret` to derive both keys from, or both raw keys; and format 2's key id
/// name, when it has one.
#[napi(object, object_to_js = false)]
pub struct KeySetInput {
  pub secret: Option<Buffer>,
  pub encryption_key: Option<Buffer>,
  pub signature_key: Option<Buffer>,
  pub id: Option<String>,
}

#[napi(object, object_to_js = false)]
pub struct NativeCodecOptions {
  pub cookie_name: String,
  pub encryption_algorithm: String,
  pub signature_algorithm: String,
  /// The first set makes new cookies; all are accepted when reading.
  pub keys: Vec<KeySetInput>,
  /// Milliseconds before expiry within which a valid cookie is reported as `refresh`.
  pub active_duration: f64,
  /// The format `encode` writes, 1 (the default) or 2; both are always read.
  pub format: Option<u32>,
  /// Format 2's absolute lifetime from `issuedAt`, in milliseconds; 0 (the default) for none.
  pub absolute_duration: Option<f64>,
}

#[napi]
pub struct NativeCodec {
  inner: Codec,
}

#[napi]
impl NativeCodec {
  #[napi(constructor)]
  pub fn new(options: NativeCodecOptions) -> Result<Self, CodedError> {
    let config_error = |e: client_sessions_core::ConfigError| coded(e.code(), e);
    let encryption =
      EncryptionAlgorithm::parse(&options.encryption_algorithm).map_err(config_error)?;
    let signature =
      SignatureAlgorithm::parse(&options.signature_algorithm).map_err(config_error)?;
    let format_number = options.format.unwrap_or(1);
    let format = CookieFormat::from_number(format_number).ok_or_else(|| {
      coded(
        "ERR_CLIENT_SESSIONS_OPTIONS",
        format!("format must be 1 or 2, got {format_number}"),
      )
    })?;
    let keys = options
      .keys
      .iter()
      .enumerate()
      .map(|(index, set)| key_material(set, index))
      .collect::<Result<Vec<_>, _>>()?;
    let inner = Codec::new(CodecConfig {
      cookie_name: options.cookie_name,
      encryption,
      signature,
      keys,
      active_duration: millis(options.active_duration, "activeDuration")?,
      format,
      absolute_duration: millis(options.absolute_duration.unwrap_or(0.0), "absoluteDuration")?,
    })
    .map_err(config_error)?;
    Ok(Self { inner })
  }

  /// `json` sealed with the first key set into a cookie value of the codec's format. Format 2
  /// also seals `issuedAt` and the number of cookies the value is split across (`chunks`, 1 to
  /// 4); format 1 ignores `issuedAt` and takes `chunks` 1 only.
  #[napi(ts_return_type = "string")]
  pub fn encode(
    &self,
    #[napi(ts_arg_type = "string")] json: Utf8Text,
    created_at: f64,
    duration: f64,
    issued_at: f64,
    chunks: f64,
  ) -> Result<Utf8Out, CodedError> {
    self
      .inner
      .encode_issued(
        json.as_str(),
        millis(created_at, "createdAt")?,
        millis(duration, "duration")?,
        millis(issued_at, "issuedAt")?,
        chunk_count(chunks)?,
      )
      .map(|value| Utf8Out(value.into_bytes()))
      .map_err(|e| coded(e.code(), e))
  }

  /// Like `encode` with a chosen IV (format 1, 16 bytes) or nonce (format 2, 24 bytes); for
  /// tests that compare encoders byte for byte only.
  #[napi]
  pub fn encode_with_iv(
    &self,
    json: String,
    created_at: f64,
    duration: f64,
    iv: &[u8],
    issued_at: f64,
    chunks: f64,
  ) -> Result<String, CodedError> {
    self
      .inner
      .encode_with_iv(
        &json,
        millis(created_at, "createdAt")?,
        millis(duration, "duration")?,
        iv,
        millis(issued_at, "issuedAt")?,
        chunk_count(chunks)?,
      )
      .map_err(|e| coded(e.code(), e))
  }

  /// Decodes one cookie value into the packed result described in `packed.rs`. Bad cookies
  /// are a status, never an exception.
  #[napi(ts_return_type = "string")]
  pub fn decode(
    &self,
    #[napi(ts_arg_type = "string")] value: Utf8Text,
    now: f64,
  ) -> Result<Utf8Out, CodedError> {
    Ok(Utf8Out(pack(
      self.inner.decode(value.as_bytes(), now_millis(now)?),
    )))
  }

  /// Finds this codec's cookie in a raw `Cookie` header and decodes it, in one call; the
  /// result is packed as for `decode`.
  #[napi(ts_return_type = "string")]
  pub fn decode_from_header(
    &self,
    #[napi(ts_arg_type = "string")] header: Utf8Text,
    now: f64,
  ) -> Result<Utf8Out, CodedError> {
    let decoded = self
      .inner
      .decode_from_header(header.as_bytes(), now_millis(now)?);
    Ok(Utf8Out(pack(decoded)))
  }

  /// The MAC client-sessions' `util.computeHmac` returns, with the key set at `keyIndex`.
  #[napi]
  pub fn compute_mac(
    &self,
    key_index: u32,
    iv: &[u8],
    ciphertext: &[u8],
    created_at: String,
    duration: String,
  ) -> Result<Buffer, CodedError> {
    self
      .inner
      .compute_mac(
        key_index as usize,
        iv,
        ciphertext,
        created_at.as_bytes(),
        duration.as_bytes(),
      )
      .map(Buffer::from)
      .ok_or_else(|| {
        coded(
          "ERR_CLIENT_SESSIONS_KEY_INDEX",
          "keyIndex is not a key set of this codec",
        )
      })
  }
}

/// `chunks` as the codec takes it: a whole number from 1 to 4 (the codec then refuses more
/// than 1 for format 1).
fn chunk_count(chunks: f64) -> Result<u8, CodedError> {
  if chunks.fract() == 0.0 && (1.0..=f64::from(MAX_CHUNKS)).contains(&chunks) {
    Ok(chunks as u8)
  } else {
    Err(coded(
      "ERR_CLIENT_SESSIONS_ARGUMENT",
      "chunks must be a whole number from 1 to 4",
    ))
  }
}

fn key_material(set: &KeySetInput, index: usize) -> Result<KeyMaterial, CodedError> {
  // The TypeScript layer refuses empty key material with a fuller message; this is the last
  // line: keys derived from an empty secret can be computed by anyone.
  if set.secret.as_ref().is_some_and(|secret| secret.is_empty()) {
    return Err(coded(
      "ERR_CLIENT_SESSIONS_SECRET",
      format!("the secret of key set {index} is empty"),
    ));
  }
  // As in client-sessions, a raw key that is given wins over the one the secret would derive.
  let derived = set.secret.as_ref().map(|secret| derive_keys(secret));
  let pick = |raw: &Option<Buffer>, derived: Option<&Zeroizing<Vec<u8>>>| {
    raw
      .as_ref()
      .map(|key| Zeroizing::new(key.to_vec()))
      .or_else(|| derived.cloned())
  };
  let encryption = pick(&set.encryption_key, derived.as_ref().map(|d| &d.encryption));
  let signature = pick(&set.signature_key, derived.as_ref().map(|d| &d.signature));
  match (encryption, signature) {
    (Some(encryption), Some(signature)) => Ok(KeyMaterial {
      encryption,
      signature,
      // Format 2 derives its key from the secret whenever there is one (SECURITY.md, "Keys").
      secret: derived.and_then(|d| d.secret),
      id: set.id.clone(),
    }),
    _ => Err(coded(
      "ERR_CLIENT_SESSIONS_NO_KEYS",
      format!("key set {index} needs a secret, or both an encryptionKey and a signatureKey"),
    )),
  }
}
