//! What decoding a cookie found. Every outcome, good or bad, is a value: nothing a client sends
//! makes decoding fail with an error.

/// The cookie format a codec writes; every codec reads both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieFormat {
  /// client-sessions v0.8's: AES-CBC and HMAC, `iv.ciphertext.createdAt.duration.mac`.
  V1,
  /// XChaCha20-Poly1305 with a key id and encrypted timestamps (SECURITY.md).
  V2,
}

impl CookieFormat {
  /// `1` or `2`, as the options spell it; `None` for anything else.
  pub fn from_number(number: u32) -> Option<Self> {
    match number {
      1 => Some(Self::V1),
      2 => Some(Self::V2),
      _ => None,
    }
  }

  pub fn number(self) -> u8 {
    match self {
      Self::V1 => 1,
      Self::V2 => 2,
    }
  }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeStatus {
  /// The `Cookie` header holds no cookie of this name.
  Absent,
  /// Authentic, in date, and made for this cookie name.
  Valid,
  /// Authentic, but `createdAt + duration` is before now (or, with an absolute duration,
  /// `issuedAt + absoluteDuration`). Its content is not returned.
  Expired,
  /// Not a cookie this codec issued; `reason` says why.
  Invalid,
}

impl DecodeStatus {
  pub fn as_str(self) -> &'static str {
    match self {
      Self::Absent => "absent",
      Self::Valid => "valid",
      Self::Expired => "expired",
      Self::Invalid => "invalid",
    }
  }
}

/// Why a cookie is invalid, for diagnostics. None of these tells an attacker more than
/// "invalid": the MAC is checked before anything secret is touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidReason {
  /// Longer than [`crate::MAX_COOKIE_VALUE_LEN`]; refused without any work.
  TooLarge,
  /// Not five fields of strict base64url and canonical decimals with the right lengths (format
  /// 1), or not canonical base64url of at least 62 bytes with a chunk count of 1 to 4 (format 2).
  Malformed,
  /// No key's MAC matches (format 2: the tag does not verify): tampered, truncated, or made with
  /// a key this codec does not hold.
  BadMac,
  /// The MAC matched but the PKCS#7 padding is wrong (only possible with a broken encoder).
  BadPadding,
  /// Authentic, but issued for another cookie name.
  WrongName,
  /// Authentic, but the content is not UTF-8 text.
  NotUtf8,
  /// Format 2: the version byte is not one this codec knows.
  UnknownFormat,
  /// Format 2: sealed with a key id none of the codec's key sets has.
  UnknownKey,
  /// Format 2, from a header: a chunk cookie the value says it has is missing.
  MissingChunk,
}

impl InvalidReason {
  pub fn as_str(self) -> &'static str {
    match self {
      Self::TooLarge => "too-large",
      Self::Malformed => "malformed",
      Self::BadMac => "bad-mac",
      Self::BadPadding => "bad-padding",
      Self::WrongName => "wrong-name",
      Self::NotUtf8 => "not-utf8",
      Self::UnknownFormat => "unknown-format",
      Self::UnknownKey => "unknown-key",
      Self::MissingChunk => "missing-chunk",
    }
  }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
  pub status: DecodeStatus,
  /// Set when `status` is [`DecodeStatus::Invalid`].
  pub reason: Option<InvalidReason>,
  /// The session's JSON text; set only when `status` is [`DecodeStatus::Valid`].
  pub json: Option<String>,
  /// From the cookie; meaningful for `Valid` and `Expired`, zero otherwise. The session expires
  /// at `created_at + duration`; for format 2, `created_at` is `issuedAt` and the duration runs
  /// to the cookie's `expiresAt`.
  pub created_at: u64,
  pub duration: u64,
  /// When the session began, for `Valid` and `Expired`: format 2's `issuedAt`, format 1's
  /// `createdAt`. Zero otherwise.
  pub issued_at: u64,
  /// The cookie's format, for `Valid` and `Expired`.
  pub format: Option<CookieFormat>,
  /// Which key set verified the MAC (0 is the one new cookies are made with).
  pub key_index: u32,
  /// Valid, but less than `active_duration` is left before it expires: the middleware extends
  /// it and writes it again.
  pub refresh: bool,
  /// From a header: which chunk cookies `name.1`, `name.2`, `name.3` it carries (bit `k - 1`
  /// for `name.k`), whatever their content, so stale ones can be expired. 0 from `decode`.
  pub chunk_cookies: u8,
}

impl Decoded {
  pub fn absent() -> Self {
    Self::empty(DecodeStatus::Absent, None)
  }

  pub fn invalid(reason: InvalidReason) -> Self {
    Self::empty(DecodeStatus::Invalid, Some(reason))
  }

  fn empty(status: DecodeStatus, reason: Option<InvalidReason>) -> Self {
    Self {
      status,
      reason,
      json: None,
      created_at: 0,
      duration: 0,
      issued_at: 0,
      format: None,
      key_index: 0,
      refresh: false,
      chunk_cookies: 0,
    }
  }

  /// Whether the MAC verified, i.e. the cookie was issued with one of this codec's keys.
  pub fn is_authentic(&self) -> bool {
    matches!(self.status, DecodeStatus::Valid | DecodeStatus::Expired)
  }
}

#[cfg(test)]
mod tests {
  use super::CookieFormat;

  // The binding turns the `format` option into a CookieFormat and packs the decoded format back
  // as a digit; cargo-mutants runs this crate's tests only, which otherwise never reach either.
  #[test]
  fn format_numbers_are_one_and_two_and_nothing_else() {
    assert_eq!(CookieFormat::from_number(1), Some(CookieFormat::V1));
    assert_eq!(CookieFormat::from_number(2), Some(CookieFormat::V2));
    for other in [0, 3, 10, u32::MAX] {
      assert_eq!(CookieFormat::from_number(other), None, "format {other}");
    }
    assert_eq!(CookieFormat::V1.number(), 1);
    assert_eq!(CookieFormat::V2.number(), 2);
  }
}
