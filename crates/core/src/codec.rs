//! Encoding and decoding cookie values with keys prepared once.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit};
use hmac::Mac;
use rand::Rng;

use crate::algorithm::{EncryptionAlgorithm, SignatureAlgorithm};
use crate::base64url;
use crate::decoded::{DecodeStatus, Decoded, InvalidReason};
use crate::error::{ConfigError, EncodeError};
use crate::header::cookie_values;
use crate::keys::{CipherKey, KeyMaterial, MacKey, PreparedKey};
use crate::wire::{self, IV_LEN};

pub use crate::wire::MAX_TIMESTAMP;

/// Cookie values longer than this are invalid without being looked at. Browsers keep at most
/// about 4 KiB per cookie, so anything near this size did not come from us.
pub const MAX_COOKIE_VALUE_LEN: usize = 16 * 1024;

/// How many cookies of the same name in one header are tried before giving up, so a header
/// stuffed with copies costs a bounded number of MAC checks.
const MAX_HEADER_CANDIDATES: usize = 8;

pub struct CodecConfig {
  pub cookie_name: String,
  pub encryption: EncryptionAlgorithm,
  pub signature: SignatureAlgorithm,
  /// The first key set makes new cookies; every key set is tried when reading.
  pub keys: Vec<KeyMaterial>,
  /// Milliseconds before expiry within which a valid cookie is reported as `refresh`.
  pub active_duration: u64,
}

/// Encodes and decodes one cookie name's values. Building one derives nothing per call: the AES
/// key schedules and keyed HMAC states are made here and cloned for each message.
pub struct Codec {
  /// `cookieName=`: the prefix of every plaintext.
  name_prefix: Vec<u8>,
  encryption: EncryptionAlgorithm,
  signature: SignatureAlgorithm,
  keys: Vec<PreparedKey>,
  active_duration: u64,
}

impl Codec {
  pub fn new(config: CodecConfig) -> Result<Self, ConfigError> {
    if config.cookie_name.is_empty() {
      return Err(ConfigError::EmptyCookieName);
    }
    if config.cookie_name.contains('=') {
      return Err(ConfigError::CookieNameHasEquals);
    }
    if config.keys.is_empty() {
      return Err(ConfigError::NoKeys);
    }
    let keys = config
      .keys
      .iter()
      .enumerate()
      .map(|(index, material)| {
        PreparedKey::new(material, index, config.encryption, config.signature)
      })
      .collect::<Result<Vec<_>, _>>()?;
    let mut name_prefix = config.cookie_name.into_bytes();
    name_prefix.push(b'=');
    Ok(Self {
      name_prefix,
      encryption: config.encryption,
      signature: config.signature,
      keys,
      active_duration: config.active_duration,
    })
  }

  pub fn cookie_name(&self) -> &str {
    std::str::from_utf8(&self.name_prefix[..self.name_prefix.len() - 1])
      .expect("built from a String")
  }

  pub fn encryption(&self) -> EncryptionAlgorithm {
    self.encryption
  }

  pub fn signature(&self) -> SignatureAlgorithm {
    self.signature
  }

  pub fn key_count(&self) -> usize {
    self.keys.len()
  }

  /// Encodes `json` with the first key set and a fresh random IV.
  pub fn encode(&self, json: &str, created_at: u64, duration: u64) -> Result<String, EncodeError> {
    let mut iv = [0u8; IV_LEN];
    // ThreadRng is a ChaCha CSPRNG seeded and periodically reseeded from the OS: one syscall
    // per many IVs rather than one per cookie.
    rand::rng().fill_bytes(&mut iv);
    self.encode_with_iv(json, created_at, duration, &iv)
  }

  /// Encodes with a caller-chosen IV. Only for tests that compare encoders byte for byte: a
  /// repeated IV lets an observer see when two sessions start with the same bytes.
  pub fn encode_with_iv(
    &self,
    json: &str,
    created_at: u64,
    duration: u64,
    iv: &[u8; IV_LEN],
  ) -> Result<String, EncodeError> {
    if created_at > MAX_TIMESTAMP || duration > MAX_TIMESTAMP {
      return Err(EncodeError::TimestampOutOfRange);
    }
    let key = &self.keys[0];
    let plaintext_len = self.name_prefix.len() + json.len();
    let ciphertext_len = (plaintext_len / 16 + 1) * 16;
    let mut buf = Vec::with_capacity(ciphertext_len);
    buf.extend_from_slice(&self.name_prefix);
    buf.extend_from_slice(json.as_bytes());
    buf.resize(ciphertext_len, 0);
    cbc_encrypt(&key.cipher, iv, &mut buf, plaintext_len);

    let created_at_text = created_at.to_string();
    let duration_text = duration.to_string();
    let tag = mac_tag(
      &key.mac,
      self.signature,
      iv,
      &buf,
      created_at_text.as_bytes(),
      duration_text.as_bytes(),
    );

    let mut out = Vec::with_capacity(
      base64url::encoded_len(IV_LEN)
        + base64url::encoded_len(buf.len())
        + base64url::encoded_len(tag.len())
        + created_at_text.len()
        + duration_text.len()
        + 4,
    );
    base64url::encode_into(iv, &mut out);
    out.push(b'.');
    base64url::encode_into(&buf, &mut out);
    out.push(b'.');
    out.extend_from_slice(created_at_text.as_bytes());
    out.push(b'.');
    out.extend_from_slice(duration_text.as_bytes());
    out.push(b'.');
    base64url::encode_into(&tag, &mut out);
    Ok(String::from_utf8(out).expect("base64url and decimal digits are ASCII"))
  }

  /// Decodes one cookie value at time `now` (milliseconds since the epoch).
  ///
  /// Order matters: lengths and syntax first (cheap), then the MAC in constant time with each
  /// key set, then expiry, and only then decryption, so nothing unauthenticated is decrypted.
  pub fn decode(&self, value: &[u8], now: u64) -> Decoded {
    if value.len() > MAX_COOKIE_VALUE_LEN {
      return Decoded::invalid(InvalidReason::TooLarge);
    }
    let Some(mut fields) = wire::parse(value, self.signature.tag_len()) else {
      return Decoded::invalid(InvalidReason::Malformed);
    };
    let Some(key_index) = self.keys.iter().position(|key| {
      mac_verify(
        &key.mac,
        self.signature,
        &fields.iv,
        &fields.ciphertext,
        fields.created_at_text,
        fields.duration_text,
        &fields.tag,
      )
    }) else {
      return Decoded::invalid(InvalidReason::BadMac);
    };

    let expires_at = fields.created_at + fields.duration;
    let mut decoded = Decoded {
      status: DecodeStatus::Expired,
      reason: None,
      json: None,
      created_at: fields.created_at,
      duration: fields.duration,
      key_index: key_index as u32,
      refresh: false,
    };
    if expires_at < now {
      return decoded;
    }

    let Some(plaintext_len) = cbc_decrypt(
      &self.keys[key_index].cipher,
      &fields.iv,
      &mut fields.ciphertext,
    ) else {
      return Decoded::invalid(InvalidReason::BadPadding);
    };
    let mut plaintext = fields.ciphertext;
    plaintext.truncate(plaintext_len);
    if !plaintext.starts_with(&self.name_prefix) {
      return Decoded::invalid(InvalidReason::WrongName);
    }
    plaintext.drain(..self.name_prefix.len());
    let Ok(json) = String::from_utf8(plaintext) else {
      return Decoded::invalid(InvalidReason::NotUtf8);
    };
    decoded.status = DecodeStatus::Valid;
    decoded.json = Some(json);
    decoded.refresh = expires_at - now < self.active_duration;
    decoded
  }

  /// Finds this codec's cookie in a raw `Cookie` header and decodes it. With several cookies of
  /// the name (a stale one on another path, say), the first valid one wins: a browser keeps
  /// sending an expired ephemeral or `maxAge` cookie, and it must not hide a live session behind
  /// it. With none valid, the first authentic (expired) one is reported, else the first result.
  pub fn decode_from_header(&self, header: &[u8], now: u64) -> Decoded {
    let name = &self.name_prefix[..self.name_prefix.len() - 1];
    let mut fallback: Option<Decoded> = None;
    for value in cookie_values(header, name).take(MAX_HEADER_CANDIDATES) {
      let decoded = self.decode(value, now);
      if decoded.status == DecodeStatus::Valid {
        return decoded;
      }
      if fallback
        .as_ref()
        .is_none_or(|kept| !kept.is_authentic() && decoded.is_authentic())
      {
        fallback = Some(decoded);
      }
    }
    fallback.unwrap_or_else(Decoded::absent)
  }

  /// The cookie's MAC over arbitrary fields with the key set at `key_index` (client-sessions'
  /// `util.computeHmac`): `iv . ciphertext . createdAt . duration`, truncated for `-dropN`.
  pub fn compute_mac(
    &self,
    key_index: usize,
    iv: &[u8],
    ciphertext: &[u8],
    created_at_text: &[u8],
    duration_text: &[u8],
  ) -> Option<Vec<u8>> {
    let key = self.keys.get(key_index)?;
    Some(mac_tag(
      &key.mac,
      self.signature,
      iv,
      ciphertext,
      created_at_text,
      duration_text,
    ))
  }
}

// Debug must not print key schedules.
impl std::fmt::Debug for Codec {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Codec")
      .field("cookie_name", &self.cookie_name())
      .field("encryption", &self.encryption)
      .field("signature", &self.signature)
      .field("key_sets", &self.keys.len())
      .field("active_duration", &self.active_duration)
      .finish()
  }
}

/// Pads and encrypts `buf[..msg_len]` in place; `buf` is already sized to the padded length.
fn cbc_encrypt(cipher: &CipherKey, iv: &[u8; IV_LEN], buf: &mut [u8], msg_len: usize) {
  macro_rules! run {
    ($c:expr) => {
      cbc::Encryptor::inner_iv_init($c.clone(), iv.into())
        .encrypt_padded::<Pkcs7>(buf, msg_len)
        .map(|_| ())
        .expect("buffer sized for the padding")
    };
  }
  match cipher {
    CipherKey::Aes128(c) => run!(c),
    CipherKey::Aes192(c) => run!(c),
    CipherKey::Aes256(c) => run!(c),
  }
}

/// Decrypts in place and returns the unpadded length, or `None` for bad padding.
fn cbc_decrypt(cipher: &CipherKey, iv: &[u8; IV_LEN], buf: &mut [u8]) -> Option<usize> {
  macro_rules! run {
    ($c:expr) => {
      cbc::Decryptor::inner_iv_init($c.clone(), iv.into())
        .decrypt_padded::<Pkcs7>(buf)
        .map(|plain| plain.len())
        .ok()
    };
  }
  match cipher {
    CipherKey::Aes128(c) => run!(c),
    CipherKey::Aes192(c) => run!(c),
    CipherKey::Aes256(c) => run!(c),
  }
}

macro_rules! keyed_mac {
  ($key:expr, $iv:expr, $ct:expr, $created:expr, $duration:expr, |$m:ident| $body:expr) => {
    match $key {
      MacKey::Sha256(k) => {
        let mut $m = k.clone();
        feed(&mut $m, $iv, $ct, $created, $duration);
        $body
      }
      MacKey::Sha384(k) => {
        let mut $m = k.clone();
        feed(&mut $m, $iv, $ct, $created, $duration);
        $body
      }
      MacKey::Sha512(k) => {
        let mut $m = k.clone();
        feed(&mut $m, $iv, $ct, $created, $duration);
        $body
      }
    }
  };
}

fn feed(mac: &mut impl Mac, iv: &[u8], ciphertext: &[u8], created_at: &[u8], duration: &[u8]) {
  mac.update(iv);
  mac.update(b".");
  mac.update(ciphertext);
  mac.update(b".");
  mac.update(created_at);
  mac.update(b".");
  mac.update(duration);
}

fn mac_tag(
  key: &MacKey,
  signature: SignatureAlgorithm,
  iv: &[u8],
  ciphertext: &[u8],
  created_at: &[u8],
  duration: &[u8],
) -> Vec<u8> {
  let mut tag = keyed_mac!(key, iv, ciphertext, created_at, duration, |m| m
    .finalize()
    .into_bytes()
    .to_vec());
  tag.truncate(signature.tag_len());
  tag
}

/// Constant-time comparison of the (possibly truncated) tag; the length is public.
fn mac_verify(
  key: &MacKey,
  signature: SignatureAlgorithm,
  iv: &[u8],
  ciphertext: &[u8],
  created_at: &[u8],
  duration: &[u8],
  tag: &[u8],
) -> bool {
  if tag.len() != signature.tag_len() {
    return false;
  }
  keyed_mac!(key, iv, ciphertext, created_at, duration, |m| m
    .verify_truncated_left(tag)
    .is_ok())
}
