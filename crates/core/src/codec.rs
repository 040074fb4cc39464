//! Encoding and decoding cookie values with keys prepared once.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit};
use hmac::Mac;
use rand::Rng;

use crate::algorithm::{EncryptionAlgorithm, SignatureAlgorithm};
use crate::base64url;
use crate::decoded::{CookieFormat, DecodeStatus, Decoded, InvalidReason};
use crate::error::{ConfigError, EncodeError};
use crate::format2::{self, KEY_ID_LEN, MAX_CHUNKS, NONCE_LEN};
use crate::header::{HeaderScan, CHUNK_NAMES};
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
  /// The format `encode` writes; both are always read.
  pub format: CookieFormat,
  /// The longest a session may live from its `issuedAt`, however active, in milliseconds; 0 for
  /// no limit. Applies to cookies of both formats (format 1's `issuedAt` is its `createdAt`).
  pub absolute_duration: u64,
}

/// Encodes and decodes one cookie name's values. Building one derives nothing per call: the AES
/// key schedules, keyed HMAC states and format 2 keys are made here and reused for each message.
pub struct Codec {
  /// `cookieName=`: the prefix of every format 1 plaintext (format 2's associated data ends
  /// with the name without the `=`).
  name_prefix: Vec<u8>,
  encryption: EncryptionAlgorithm,
  signature: SignatureAlgorithm,
  keys: Vec<PreparedKey>,
  active_duration: u64,
  format: CookieFormat,
  absolute_duration: u64,
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
    // Format 2 picks the one key to try by its id, so ids must tell key sets apart. A format 1
    // codec reads format 2 cookies too, but writes none: it tolerates a collision, and the first
    // key set with the id is tried.
    if config.format == CookieFormat::V2 {
      for (second, key) in keys.iter().enumerate() {
        if let Some(first) = keys[..second]
          .iter()
          .position(|earlier| earlier.format2.key_id == key.format2.key_id)
        {
          return Err(ConfigError::KeyIdCollision { first, second });
        }
      }
    }
    let mut name_prefix = config.cookie_name.into_bytes();
    name_prefix.push(b'=');
    Ok(Self {
      name_prefix,
      encryption: config.encryption,
      signature: config.signature,
      keys,
      active_duration: config.active_duration,
      format: config.format,
      absolute_duration: config.absolute_duration,
    })
  }

  fn name(&self) -> &[u8] {
    &self.name_prefix[..self.name_prefix.len() - 1]
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

  /// The format `encode` writes.
  pub fn format(&self) -> CookieFormat {
    self.format
  }

  /// The format 2 key id of the key set at `index` (public: every format 2 cookie of the key set
  /// carries it in the clear).
  pub fn key_id(&self, index: usize) -> Option<[u8; KEY_ID_LEN]> {
    self.keys.get(index).map(|key| key.format2.key_id)
  }

  /// Encodes `json` in the codec's format with the first key set, a fresh random IV or nonce,
  /// `issuedAt` = `createdAt` and one chunk.
  pub fn encode(&self, json: &str, created_at: u64, duration: u64) -> Result<String, EncodeError> {
    self.encode_issued(json, created_at, duration, created_at, 1)
  }

  /// Encodes `json` in the codec's format with the first key set and a fresh random IV or
  /// nonce. Format 2 seals `issued_at` and `chunks` (1 to 4, how many cookies the value will be
  /// split across); format 1 ignores `issued_at` and takes only `chunks` 1.
  pub fn encode_issued(
    &self,
    json: &str,
    created_at: u64,
    duration: u64,
    issued_at: u64,
    chunks: u8,
  ) -> Result<String, EncodeError> {
    // ThreadRng is a ChaCha CSPRNG seeded and periodically reseeded from the OS: one syscall
    // per many IVs rather than one per cookie.
    let mut iv = [0u8; NONCE_LEN];
    let iv = match self.format {
      CookieFormat::V1 => &mut iv[..IV_LEN],
      CookieFormat::V2 => &mut iv[..],
    };
    rand::rng().fill_bytes(iv);
    self.encode_with_iv(json, created_at, duration, iv, issued_at, chunks)
  }

  /// Encodes with a caller-chosen IV (format 1, 16 bytes) or nonce (format 2, 24 bytes). Only
  /// for tests that compare encoders byte for byte: a repeated IV lets an observer see when two
  /// sessions start with the same bytes, and a repeated nonce gives away far more.
  pub fn encode_with_iv(
    &self,
    json: &str,
    created_at: u64,
    duration: u64,
    iv: &[u8],
    issued_at: u64,
    chunks: u8,
  ) -> Result<String, EncodeError> {
    if created_at > MAX_TIMESTAMP || duration > MAX_TIMESTAMP {
      return Err(EncodeError::TimestampOutOfRange);
    }
    match self.format {
      CookieFormat::V1 => {
        if chunks != 1 {
          return Err(EncodeError::ChunkCount {
            format: CookieFormat::V1,
          });
        }
        let iv: &[u8; IV_LEN] = iv.try_into().map_err(|_| EncodeError::IvLength {
          format: CookieFormat::V1,
          expected: IV_LEN,
          actual: iv.len(),
        })?;
        Ok(self.encode_v1(json, created_at, duration, iv))
      }
      CookieFormat::V2 => {
        if issued_at > MAX_TIMESTAMP {
          return Err(EncodeError::TimestampOutOfRange);
        }
        let expires_at = created_at + duration;
        if expires_at > MAX_TIMESTAMP {
          return Err(EncodeError::ExpiryOutOfRange);
        }
        if issued_at > expires_at {
          return Err(EncodeError::IssuedAfterExpiry);
        }
        if !(1..=MAX_CHUNKS).contains(&chunks) {
          return Err(EncodeError::ChunkCount {
            format: CookieFormat::V2,
          });
        }
        let nonce: &[u8; NONCE_LEN] = iv.try_into().map_err(|_| EncodeError::IvLength {
          format: CookieFormat::V2,
          expected: NONCE_LEN,
          actual: iv.len(),
        })?;
        let bytes = format2::seal(
          &self.keys[0].format2,
          self.name(),
          nonce,
          chunks,
          issued_at,
          expires_at,
          json.as_bytes(),
        );
        let mut out = Vec::with_capacity(base64url::encoded_len(bytes.len()));
        base64url::encode_into(&bytes, &mut out);
        Ok(String::from_utf8(out).expect("base64url is ASCII"))
      }
    }
  }

  fn encode_v1(&self, json: &str, created_at: u64, duration: u64, iv: &[u8; IV_LEN]) -> String {
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
    String::from_utf8(out).expect("base64url and decimal digits are ASCII")
  }

  /// Decodes one cookie value, of either format, at time `now` (milliseconds since the epoch).
  /// A format 2 value has no `.` (it is decoded by `decode_v2`); a format 1 value has four. A
  /// chunked format 2 value decodes here once joined; [`Codec::decode_from_header`] joins the
  /// chunk cookies.
  ///
  /// Format 1, here: order matters: lengths and syntax first (cheap), then the MAC in constant
  /// time with each key set, then expiry, and only then decryption, so nothing unauthenticated
  /// is decrypted.
  pub fn decode(&self, value: &[u8], now: u64) -> Decoded {
    if value.len() > MAX_COOKIE_VALUE_LEN {
      return Decoded::invalid(InvalidReason::TooLarge);
    }
    if memchr::memchr(b'.', value).is_none() {
      return self.decode_v2(value, now);
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
    let issued_at = fields.created_at;
    let mut decoded = Decoded {
      status: DecodeStatus::Expired,
      reason: None,
      json: None,
      created_at: fields.created_at,
      duration: fields.duration,
      issued_at,
      format: Some(CookieFormat::V1),
      key_index: key_index as u32,
      refresh: false,
      chunk_cookies: 0,
    };
    if self.is_over(issued_at, expires_at, now) {
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
    decoded.refresh = self.wants_refresh(issued_at, expires_at, now);
    decoded
  }

  /// Whether a session is over at `now`: past its `expires_at`, or past `issued_at` plus the
  /// absolute duration when there is one.
  fn is_over(&self, issued_at: u64, expires_at: u64, now: u64) -> bool {
    expires_at < now
      || (self.absolute_duration > 0 && issued_at.saturating_add(self.absolute_duration) < now)
  }

  /// Whether a live session is near enough its end to be extended, and can be: never past
  /// `issued_at` plus the absolute duration, so at that cap there is nothing to extend to.
  fn wants_refresh(&self, issued_at: u64, expires_at: u64, now: u64) -> bool {
    let capped =
      self.absolute_duration > 0 && expires_at >= issued_at.saturating_add(self.absolute_duration);
    expires_at - now < self.active_duration && !capped
  }

  /// Format 2 (SECURITY.md, "Reading"), in the specification's order: syntax and length, the
  /// version and chunk count, the key id (one key set is tried), the tag, expiry, UTF-8.
  fn decode_v2(&self, value: &[u8], now: u64) -> Decoded {
    let Some(bytes) = base64url::decode_canonical(value) else {
      return Decoded::invalid(InvalidReason::Malformed);
    };
    if bytes.len() < format2::MIN_LEN {
      return Decoded::invalid(InvalidReason::Malformed);
    }
    if bytes[0] != format2::VERSION {
      return Decoded::invalid(InvalidReason::UnknownFormat);
    }
    if !(1..=MAX_CHUNKS).contains(&bytes[1]) {
      return Decoded::invalid(InvalidReason::Malformed);
    }
    let Some(key_index) = self
      .keys
      .iter()
      .position(|key| key.format2.key_id == bytes[2..2 + KEY_ID_LEN])
    else {
      return Decoded::invalid(InvalidReason::UnknownKey);
    };
    let Some(opened) = format2::open(&self.keys[key_index].format2, self.name(), bytes) else {
      return Decoded::invalid(InvalidReason::BadMac);
    };
    let (issued_at, expires_at) = (opened.issued_at, opened.expires_at);
    // Only an encoder holding the key, and breaking the rules, writes these.
    if issued_at > MAX_TIMESTAMP || expires_at > MAX_TIMESTAMP || expires_at < issued_at {
      return Decoded::invalid(InvalidReason::Malformed);
    }
    let mut decoded = Decoded {
      status: DecodeStatus::Expired,
      reason: None,
      json: None,
      created_at: issued_at,
      duration: expires_at - issued_at,
      issued_at,
      format: Some(CookieFormat::V2),
      key_index: key_index as u32,
      refresh: false,
      chunk_cookies: 0,
    };
    if self.is_over(issued_at, expires_at, now) {
      return decoded;
    }
    let Ok(json) = String::from_utf8(opened.json) else {
      return Decoded::invalid(InvalidReason::NotUtf8);
    };
    decoded.status = DecodeStatus::Valid;
    decoded.json = Some(json);
    decoded.refresh = self.wants_refresh(issued_at, expires_at, now);
    decoded
  }

  /// Finds this codec's cookie in a raw `Cookie` header and decodes it. With several cookies of
  /// the name (a stale one on another path, say), the first valid one wins: a browser keeps
  /// sending an expired ephemeral or `maxAge` cookie, and it must not hide a live session behind
  /// it. With none valid, the first authentic (expired) one is reported, else the first result.
  ///
  /// A format 2 value whose chunk count `n` is above 1 is joined with the first `name.1` …
  /// `name.(n-1)` of the header and verified as one. Every result reports which chunk cookies
  /// the header carries, in `chunk_cookies`.
  pub fn decode_from_header(&self, header: &[u8], now: u64) -> Decoded {
    let scan = HeaderScan::<MAX_HEADER_CANDIDATES>::new(header, self.name());
    let mut fallback: Option<Decoded> = None;
    for value in scan.values() {
      let decoded = self.decode_candidate(value, &scan.chunks, now);
      if decoded.status == DecodeStatus::Valid {
        fallback = Some(decoded);
        break;
      }
      if fallback
        .as_ref()
        .is_none_or(|kept| !kept.is_authentic() && decoded.is_authentic())
      {
        fallback = Some(decoded);
      }
    }
    let mut decoded = fallback.unwrap_or_else(Decoded::absent);
    decoded.chunk_cookies = scan.chunk_mask();
    decoded
  }

  /// One value of the cookie's own name, joined with the chunk cookies its first four
  /// characters ask for (SECURITY.md, "Chunking"). The count read there is not trusted: it is
  /// under the tag, so a changed count fails verification of the joined value.
  fn decode_candidate(
    &self,
    first: &[u8],
    chunks: &[Option<&[u8]>; CHUNK_NAMES],
    now: u64,
  ) -> Decoded {
    if first.len() > MAX_COOKIE_VALUE_LEN || memchr::memchr(b'.', first).is_some() {
      return self.decode(first, now);
    }
    let count = match base64url::decode_first_group(first) {
      Some([_, n, _]) if (2..=MAX_CHUNKS).contains(&n) => usize::from(n),
      _ => return self.decode_v2(first, now),
    };
    let mut total = first.len();
    for chunk in &chunks[..count - 1] {
      let Some(chunk) = chunk else {
        return Decoded::invalid(InvalidReason::MissingChunk);
      };
      total += chunk.len();
    }
    if total > MAX_COOKIE_VALUE_LEN {
      return Decoded::invalid(InvalidReason::TooLarge);
    }
    let mut joined = Vec::with_capacity(total);
    joined.extend_from_slice(first);
    for chunk in chunks[..count - 1].iter().flatten() {
      joined.extend_from_slice(chunk);
    }
    // Joined, it is format 2 whatever the pieces hold: a `.` in a chunk makes it malformed.
    self.decode_v2(&joined, now)
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
      .field("format", &self.format)
      .field("absolute_duration", &self.absolute_duration)
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
