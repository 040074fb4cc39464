//! What decoding a cookie found. Every outcome, good or bad, is a value: nothing a client sends
//! makes decoding fail with an error.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeStatus {
  /// The `Cookie` header holds no cookie of this name.
  Absent,
  /// Authentic, in date, and made for this cookie name.
  Valid,
  /// Authentic, but `createdAt + duration` is before now. Its content is not decrypted.
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
  /// Not five fields of strict base64url and canonical decimals with the right lengths.
  Malformed,
  /// No key's MAC matches: tampered, truncated, or made with a key this codec does not hold.
  BadMac,
  /// The MAC matched but the PKCS#7 padding is wrong (only possible with a broken encoder).
  BadPadding,
  /// Authentic, but issued for another cookie name.
  WrongName,
  /// Authentic, but the content is not UTF-8 text.
  NotUtf8,
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
  /// From the cookie; meaningful for `Valid` and `Expired`, zero otherwise.
  pub created_at: u64,
  pub duration: u64,
  /// Which key set verified the MAC (0 is the one new cookies are made with).
  pub key_index: u32,
  /// Valid, but less than `active_duration` is left before it expires: the middleware extends
  /// it and writes it again.
  pub refresh: bool,
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
      key_index: 0,
      refresh: false,
    }
  }

  /// Whether the MAC verified, i.e. the cookie was issued with one of this codec's keys.
  pub fn is_authentic(&self) -> bool {
    matches!(self.status, DecodeStatus::Valid | DecodeStatus::Expired)
  }
}
