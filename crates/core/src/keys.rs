//! Key material: derivation from a secret, and the prepared cipher and MAC states built from it
//! once so that no request pays for a key schedule.

use aes::{Aes128, Aes192, Aes256};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use crate::algorithm::{EncryptionAlgorithm, SignatureAlgorithm};
use crate::error::ConfigError;

const KDF_ENCRYPTION_LABEL: &[u8] = b"cookiesession-encryption";
const KDF_SIGNATURE_LABEL: &[u8] = b"cookiesession-signature";

/// One encryption key and one signature key, wiped from memory when dropped.
pub struct KeyMaterial {
  pub encryption: Zeroizing<Vec<u8>>,
  pub signature: Zeroizing<Vec<u8>>,
}

// Key bytes must never reach a log, so Debug shows lengths only.
impl std::fmt::Debug for KeyMaterial {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("KeyMaterial")
      .field(
        "encryption",
        &format_args!("<{} bytes>", self.encryption.len()),
      )
      .field(
        "signature",
        &format_args!("<{} bytes>", self.signature.len()),
      )
      .finish()
  }
}

/// client-sessions' key derivation: `HMAC-SHA256(secret, label)` for each of the two labels.
/// Both keys come out 32 bytes long, which fits `aes256` and `sha256`/`sha256-drop128`.
pub fn derive_keys(secret: &[u8]) -> KeyMaterial {
  KeyMaterial {
    encryption: derive(secret, KDF_ENCRYPTION_LABEL),
    signature: derive(secret, KDF_SIGNATURE_LABEL),
  }
}

fn derive(secret: &[u8], label: &[u8]) -> Zeroizing<Vec<u8>> {
  let mut mac =
    <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
  mac.update(label);
  Zeroizing::new(mac.finalize().into_bytes().to_vec())
}

/// An expanded AES key schedule (wiped on drop by the `aes` crate's `zeroize` feature).
#[derive(Clone)]
pub enum CipherKey {
  Aes128(Aes128),
  Aes192(Aes192),
  Aes256(Aes256),
}

/// An HMAC with the key already absorbed (wiped on drop by the `hmac` crate's `zeroize`
/// feature); each message clones it instead of hashing the key again.
#[derive(Clone)]
pub enum MacKey {
  Sha256(Hmac<Sha256>),
  Sha384(Hmac<Sha384>),
  Sha512(Hmac<Sha512>),
}

/// A key set ready for use: the cipher and MAC states built from one [`KeyMaterial`].
pub struct PreparedKey {
  pub cipher: CipherKey,
  pub mac: MacKey,
}

impl PreparedKey {
  pub fn new(
    material: &KeyMaterial,
    index: usize,
    encryption: EncryptionAlgorithm,
    signature: SignatureAlgorithm,
  ) -> Result<Self, ConfigError> {
    let key = material.encryption.as_slice();
    let expected = encryption.key_len();
    let length_error = ConfigError::EncryptionKeyLength {
      index,
      expected,
      actual: key.len(),
    };
    let cipher = match encryption {
      EncryptionAlgorithm::Aes128 => {
        CipherKey::Aes128(Aes128::new_from_slice(key).map_err(|_| length_error)?)
      }
      EncryptionAlgorithm::Aes192 => {
        CipherKey::Aes192(Aes192::new_from_slice(key).map_err(|_| length_error)?)
      }
      EncryptionAlgorithm::Aes256 => {
        CipherKey::Aes256(Aes256::new_from_slice(key).map_err(|_| length_error)?)
      }
    };
    let sig = material.signature.as_slice();
    if sig.is_empty() {
      return Err(ConfigError::EmptySignatureKey { index });
    }
    let mac = match signature {
      SignatureAlgorithm::Sha256 | SignatureAlgorithm::Sha256Drop128 => {
        MacKey::Sha256(<Hmac<Sha256> as KeyInit>::new_from_slice(sig).expect("any key length"))
      }
      SignatureAlgorithm::Sha384 | SignatureAlgorithm::Sha384Drop192 => {
        MacKey::Sha384(<Hmac<Sha384> as KeyInit>::new_from_slice(sig).expect("any key length"))
      }
      SignatureAlgorithm::Sha512 | SignatureAlgorithm::Sha512Drop256 => {
        MacKey::Sha512(<Hmac<Sha512> as KeyInit>::new_from_slice(sig).expect("any key length"))
      }
    };
    Ok(Self { cipher, mac })
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
  }

  #[test]
  fn derivation_matches_hmac_sha256_of_the_labels() {
    // Reference values from node:crypto: createHmac('sha256', 'a secret').update(label).
    let keys = derive_keys(b"a secret");
    assert_eq!(
      hex(&keys.encryption),
      "d90d3dcba098bec7575cadce15975f440bdf3f370d1a6160c111a87efddfe2df"
    );
    assert_eq!(
      hex(&keys.signature),
      "6263a9f5d1a10bae3217d8e2a7a79c8c4ecf3bddee8a35a83ac1fb09507e88f6"
    );
  }

  #[test]
  fn debug_output_hides_key_bytes() {
    let keys = KeyMaterial {
      encryption: Zeroizing::new(vec![0xAB; 32]),
      signature: Zeroizing::new(vec![0xCD; 32]),
    };
    let shown = format!("{keys:?}");
    assert!(shown.contains("<32 bytes>"));
    assert!(!shown.contains("171") && !shown.to_lowercase().contains("ab"));
  }

  #[test]
  fn wrong_encryption_key_length_names_the_sizes() {
    let keys = KeyMaterial {
      encryption: Zeroizing::new(vec![1; 31]),
      signature: Zeroizing::new(vec![2; 32]),
    };
    let err = PreparedKey::new(
      &keys,
      0,
      EncryptionAlgorithm::Aes256,
      SignatureAlgorithm::Sha256,
    )
    .err()
    .expect("31 bytes is not an AES-256 key");
    assert_eq!(
      err,
      ConfigError::EncryptionKeyLength {
        index: 0,
        expected: 32,
        actual: 31
      }
    );
    assert!(err.to_string().contains("exactly 32 bytes"));
  }
}
