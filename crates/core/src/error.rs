//! Errors for misuse. Bad cookies are never errors: they are a [`crate::Decoded`] status.
//!
//! Messages never include key material, and name the option to change.

use std::fmt;

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
    }
  }
}

impl std::error::Error for ConfigError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
  /// createdAt or duration is outside 0..=2^53-1, the integers JavaScript represents exactly.
  TimestampOutOfRange,
}

impl EncodeError {
  pub fn code(&self) -> &'static str {
    match self {
      Self::TimestampOutOfRange => "ERR_CLIENT_SESSIONS_TIMESTAMP",
    }
  }
}

impl fmt::Display for EncodeError {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match self {
      Self::TimestampOutOfRange => {
        f.write_str("createdAt and duration must be whole numbers of milliseconds from 0 to 2^53-1")
      }
    }
  }
}

impl std::error::Error for EncodeError {}
