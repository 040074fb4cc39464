//! Errors for misuse. Bad cookies are never errors: they are a [`crate::Decoded`] status.
//!
//! Messages never include key material, and name the option to change.

use std::fmt;

use crate::decoded::CookieFormat;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
  UnknownEncryptionAlgorithm,
  UnknownSignatureAlgorithm,
  EmptyCookieName,
  CookieNameHasEquals,
  NoKeys,
  /// The encryption key of the key set at this index is not the cipher's exact size.
  EncryptionKeyLength {
    index: usize,
    expected: usize,
    actual: usize,
  },
  /// The signature key of the key set at this index is empty.
  EmptySignatureKey {
    index: usize,
  },
  /// A format 2 codec's key sets `first` and `second` have the same 4-byte key id, so a
  /// cookie's key id could not say which key sealed it.
  KeyIdCollision {
    first: usize,
    second: usize,
  },
}

impl ConfigError {
  /// A stable code the JavaScript layer passes on as `err.code`.
  pub fn code(&self) -> &'static str {
    match self {
      Self::UnknownEncryptionAlgorithm => "ERR_CLIENT_SESSIONS_ENCRYPTION_ALGORITHM",
      Self::UnknownSignatureAlgorithm => "ERR_CLIENT_SESSIONS_SIGNATURE_ALGORITHM",
      Self::EmptyCookieName | Self::CookieNameHasEquals => "ERR_CLIENT_SESSIONS_COOKIE_NAME",
      Self::NoKeys => "ERR_CLIENT_SESSIONS_NO_KEYS",
      Self::EncryptionKeyLength { .. } => "ERR_CLIENT_SESSIONS_ENCRYPTION_KEY",
      Self::EmptySignatureKey { .. } => "ERR_CLIENT_SESSIONS_SIGNATURE_KEY",
      Self::KeyIdCollision { .. } => "ERR_CLIENT_SESSIONS_KEY_ID",
    }
  }
}

impl fmt::Display for ConfigError {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match self {
      Self::UnknownEncryptionAlgorithm => {
        f.write_str("invalid encryptionAlgorithm, supported are: aes128, aes192, aes256")
      }
      Self::UnknownSignatureAlgorithm => f.write_str(
        "invalid signatureAlgorithm, supported are: sha256, sha256-drop128, sha384, \
         sha384-drop192, sha512, sha512-drop256",
      ),
      Self::EmptyCookieName => f.write_str("cookieName option required"),
      Self::CookieNameHasEquals => f.write_str("cookieName cannot include \"=\""),
      Self::NoKeys => {
        f.write_str("cannot set up sessions without a secret or encryptionKey/signatureKey pair")
      }
      Self::EncryptionKeyLength {
        index,
        expected,
        actual,
      } => write!(
        f,
        "encryptionKey (key set {index}) must be exactly {expected} bytes ({} bits) for this \
         encryptionAlgorithm, got {actual} bytes",
        expected * 8
      ),
      Self::EmptySignatureKey { index } => {
        write!(f, "signatureKey (key set {index}) must not be empty")
      }
      Self::KeyIdCollision { first, second } => write!(
        f,
        "keys[{first}] and keys[{second}] have the same key id: give one of them an id (format 2 \
         picks the key by it)"
      ),
    }
  }
}

impl std::error::Error for ConfigError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
  /// createdAt, duration or issuedAt is outside 0..=2^53-1, the integers JavaScript represents
  /// exactly.
  TimestampOutOfRange,
  /// Format 2: `createdAt + duration`, the `expiresAt` sealed into the cookie, is past 2^53-1.
  ExpiryOutOfRange,
  /// Format 2: `issuedAt` is after `createdAt + duration`.
  IssuedAfterExpiry,
  /// `chunks` is not 1 to 4 (format 2), or not 1 (format 1, whose cookies are never split).
  ChunkCount { format: CookieFormat },
  /// The IV (format 1) or nonce (format 2) handed to `encode_with_iv` has the wrong length.
  IvLength {
    format: CookieFormat,
    expected: usize,
    actual: usize,
  },
}

impl EncodeError {
  pub fn code(&self) -> &'static str {
    match self {
      Self::TimestampOutOfRange | Self::ExpiryOutOfRange | Self::IssuedAfterExpiry => {
        "ERR_CLIENT_SESSIONS_TIMESTAMP"
      }
      Self::ChunkCount { .. } => "ERR_CLIENT_SESSIONS_ARGUMENT",
      Self::IvLength { .. } => "ERR_CLIENT_SESSIONS_IV",
    }
  }
}

impl fmt::Display for EncodeError {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match self {
      Self::TimestampOutOfRange => {
        f.write_str("createdAt and duration must be whole numbers of milliseconds from 0 to 2^53-1")
      }
      Self::ExpiryOutOfRange => f.write_str(
        "createdAt + duration must be at most 2^53-1 (format 2 seals the time the session expires)",
      ),
      Self::IssuedAfterExpiry => f.write_str("issuedAt must not be after createdAt + duration"),
      Self::ChunkCount {
        format: CookieFormat::V1,
      } => f.write_str("format 1 cookies are never split: chunks must be 1"),
      Self::ChunkCount {
        format: CookieFormat::V2,
      } => f.write_str("chunks must be a whole number from 1 to 4"),
      Self::IvLength {
        format,
        expected,
        actual,
      } => {
        let what = match format {
          CookieFormat::V1 => "format 1's IV",
          CookieFormat::V2 => "format 2's nonce",
        };
        write!(
          f,
          "iv must be exactly {expected} bytes ({what}), got {actual}"
        )
      }
    }
  }
}

impl std::error::Error for EncodeError {}
