//! The algorithm names client-sessions accepts, and the key sizes it ties to each.

use crate::error::ConfigError;

/// AES key size; the mode is always CBC with PKCS#7 padding, as in client-sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncryptionAlgorithm {
  Aes128,
  Aes192,
  Aes256,
}

impl EncryptionAlgorithm {
  /// Parses a name as client-sessions does: case-insensitive, `aes128`, `aes192` or `aes256`.
  pub fn parse(name: &str) -> Result<Self, ConfigError> {
    match name.to_ascii_lowercase().as_str() {
      "aes128" => Ok(Self::Aes128),
      "aes192" => Ok(Self::Aes192),
      "aes256" => Ok(Self::Aes256),
      _ => Err(ConfigError::UnknownEncryptionAlgorithm),
    }
  }

  /// The exact key length in bytes the cipher requires.
  pub fn key_len(self) -> usize {
    match self {
      Self::Aes128 => 16,
      Self::Aes192 => 24,
      Self::Aes256 => 32,
    }
  }

  pub fn name(self) -> &'static str {
    match self {
      Self::Aes128 => "aes128",
      Self::Aes192 => "aes192",
      Self::Aes256 => "aes256",
    }
  }
}

/// HMAC hash, with the `-dropN` variants that keep only the first half of the tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
  Sha256,
  Sha256Drop128,
  Sha384,
  Sha384Drop192,
  Sha512,
  Sha512Drop256,
}

impl SignatureAlgorithm {
  /// Parses a name as client-sessions does: case-insensitive, e.g. `sha256` or `sha512-drop256`.
  pub fn parse(name: &str) -> Result<Self, ConfigError> {
    match name.to_ascii_lowercase().as_str() {
      "sha256" => Ok(Self::Sha256),
      "sha256-drop128" => Ok(Self::Sha256Drop128),
      "sha384" => Ok(Self::Sha384),
      "sha384-drop192" => Ok(Self::Sha384Drop192),
      "sha512" => Ok(Self::Sha512),
      "sha512-drop256" => Ok(Self::Sha512Drop256),
      _ => Err(ConfigError::UnknownSignatureAlgorithm),
    }
  }

  /// The smallest signature key client-sessions' middleware accepts: the hash's output size.
  pub fn min_key_len(self) -> usize {
    match self {
      Self::Sha256 | Self::Sha256Drop128 => 32,
      Self::Sha384 | Self::Sha384Drop192 => 48,
      Self::Sha512 | Self::Sha512Drop256 => 64,
    }
  }

  /// Bytes of tag carried in the cookie.
  pub fn tag_len(self) -> usize {
    match self {
      Self::Sha256 => 32,
      Self::Sha384 => 48,
      Self::Sha512 => 64,
      Self::Sha256Drop128 => 16,
      Self::Sha384Drop192 => 24,
      Self::Sha512Drop256 => 32,
    }
  }

  pub fn name(self) -> &'static str {
    match self {
      Self::Sha256 => "sha256",
      Self::Sha256Drop128 => "sha256-drop128",
      Self::Sha384 => "sha384",
      Self::Sha384Drop192 => "sha384-drop192",
      Self::Sha512 => "sha512",
      Self::Sha512Drop256 => "sha512-drop256",
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn names_parse_case_insensitively_and_round_trip() {
    for alg in [
      EncryptionAlgorithm::Aes128,
      EncryptionAlgorithm::Aes192,
      EncryptionAlgorithm::Aes256,
    ] {
      assert_eq!(EncryptionAlgorithm::parse(alg.name()), Ok(alg));
      assert_eq!(
        EncryptionAlgorithm::parse(&alg.name().to_uppercase()),
        Ok(alg)
      );
    }
    for alg in [
      SignatureAlgorithm::Sha256,
      SignatureAlgorithm::Sha256Drop128,
      SignatureAlgorithm::Sha384,
      SignatureAlgorithm::Sha384Drop192,
      SignatureAlgorithm::Sha512,
      SignatureAlgorithm::Sha512Drop256,
    ] {
      assert_eq!(SignatureAlgorithm::parse(alg.name()), Ok(alg));
      assert_eq!(
        SignatureAlgorithm::parse(&alg.name().to_uppercase()),
        Ok(alg)
      );
    }
  }

  #[test]
  fn key_and_tag_sizes_are_client_sessions_ones() {
    // (key length, tag length): the hash's output size, and half of it for the -dropN variants.
    let sizes = [
      (SignatureAlgorithm::Sha256, 32, 32),
      (SignatureAlgorithm::Sha256Drop128, 32, 16),
      (SignatureAlgorithm::Sha384, 48, 48),
      (SignatureAlgorithm::Sha384Drop192, 48, 24),
      (SignatureAlgorithm::Sha512, 64, 64),
      (SignatureAlgorithm::Sha512Drop256, 64, 32),
    ];
    for (alg, min_key_len, tag_len) in sizes {
      assert_eq!(
        (alg.min_key_len(), alg.tag_len()),
        (min_key_len, tag_len),
        "{alg:?}"
      );
    }
    let key_lens = [
      (EncryptionAlgorithm::Aes128, 16),
      (EncryptionAlgorithm::Aes192, 24),
      (EncryptionAlgorithm::Aes256, 32),
    ];
    for (alg, key_len) in key_lens {
      assert_eq!(alg.key_len(), key_len, "{alg:?}");
    }
  }

  #[test]
  fn unknown_names_are_rejected() {
    assert_eq!(
      EncryptionAlgorithm::parse("aes256-gcm"),
      Err(ConfigError::UnknownEncryptionAlgorithm)
    );
    assert_eq!(
      SignatureAlgorithm::parse("sha1"),
      Err(ConfigError::UnknownSignatureAlgorithm)
    );
    assert_eq!(
      SignatureAlgorithm::parse("sha256-drop64"),
      Err(ConfigError::UnknownSignatureAlgorithm)
    );
  }
}
