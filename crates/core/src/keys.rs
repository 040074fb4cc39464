//! Key material: derivation from a secret, and the prepared cipher and MAC states built from it
//! once so that no request pays for a key schedule.

use aes::{Aes128, Aes192, Aes256};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use crate::algorithm::{EncryptionAlgorithm, SignatureAlgorithm};
use crate::error::ConfigError;
use crate::format2::Format2Key;

const KDF_ENCRYPTION_LABEL: &[u8] = b"cookiesession-encryption";
const KDF_SIGNATURE_LABEL: &[u8] = b"cookiesession-signature";

/// One key set: format 1's encryption key and signature key, and what format 2 derives its own
/// key from. Key bytes are wiped from memory when dropped.
pub struct KeyMaterial {
  pub encryption: Zeroizing<Vec<u8>>,
  pub signature: Zeroizing<Vec<u8>>,
  /// The key set's secret, when it has one: format 2's input key material (even when raw keys
  /// given beside it replace what it derives for format 1). Without one, format 2's input key
  /// material is `encryption ‖ signature`.
  pub secret: Option<Zeroizing<Vec<u8>>>,
  /// Format 2's key id name (`keys: [{ id }]`); without one the key id is derived from the key.
  pub id: Option<String>,
}

impl KeyMaterial {
  /// A key set of two raw keys, without a secret.
  pub fn from_raw(encryption: Vec<u8>, signature: Vec<u8>) -> Self {
    Self {
      encryption: Zeroizing::new(encryption),
      signature: Zeroizing::new(signature),
      secret: None,
      id: None,
    }
  }

  /// The same key set with a format 2 key id name.
  pub fn with_id(mut self, id: impl Into<String>) -> Self {
    self.id = Some(id.into());
    self
  }

  /// Format 2's input key material (SECURITY.md, "Keys"): the secret, else both raw keys.
  pub fn format2_ikm(&self) -> Zeroizing<Vec<u8>> {
    match &self.secret {
      Some(secret) => secret.clone(),
      None => {
        let mut ikm = Zeroizing::new(Vec::with_capacity(
          self.encryption.len() + self.signature.len(),
        ));
        ikm.extend_from_slice(&self.encryption);
        ikm.extend_from_slice(&self.signature);
        ikm
      }
    }
  }
}

// Key bytes must never reach a log, so Debug shows lengths only (and the id, a public name).
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
      .field(
        "secret",
        &self
          .secret
          .as_ref()
          .map(|secret| format!("<{} bytes>", secret.len())),
      )
      .field("id", &self.id)
      .finish()
  }
}

/// client-sessions' key derivation: `HMAC-SHA256(secret, label)` for each of the two labels.
/// Both keys come out 32 bytes long, which fits `aes256` and `sha256`/`sha256-drop128`. The
/// secret is kept too, for format 2's own derivation.
pub fn derive_keys(secret: &[u8]) -> KeyMaterial {
  KeyMaterial {
    encryption: derive(secret, KDF_ENCRYPTION_LABEL),
    signature: derive(secret, KDF_SIGNATURE_LABEL),
    secret: Some(Zeroizing::new(secret.to_vec())),
    id: None,
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

/// A key set ready for use: format 1's cipher and MAC states and format 2's AEAD and key id,
/// built from one [`KeyMaterial`]. Every codec holds both, since every codec reads both formats.
pub struct PreparedKey {
  pub cipher: CipherKey,
  pub mac: MacKey,
  pub format2: Format2Key,
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
    let format2 = Format2Key::new(&material.format2_ikm(), material.id.as_deref());
    Ok(Self {
      cipher,
      mac,
      format2,
    })
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
  fn format2_input_key_material_is_the_secret_else_both_raw_keys() {
    assert_eq!(
      derive_keys(b"a secret").format2_ikm().as_slice(),
      b"a secret"
    );
    let raw = KeyMaterial::from_raw(vec![1, 2], vec![3]);
    assert_eq!(raw.format2_ikm().as_slice(), [1, 2, 3]);
    // Raw keys beside a secret replace format 1's keys; format 2 still takes the secret.
    let mixed = KeyMaterial {
      secret: Some(Zeroizing::new(b"s".to_vec())),
      ..raw
    };
    assert_eq!(mixed.format2_ikm().as_slice(), b"s");
  }

  #[test]
  fn debug_output_hides_key_bytes() {
    let keys = KeyMaterial::from_raw(vec![0xAB; 32], vec![0xCD; 32]);
    let shown = format!("{keys:?}");
    assert!(shown.contains("<32 bytes>"));
    assert!(!shown.contains("171") && !shown.to_lowercase().contains("ab"));
    let keys = derive_keys(&[0xEF; 40]).with_id("2026-12");
    let shown = format!("{keys:?}");
    assert!(shown.contains("<40 bytes>") && shown.contains("2026-12"));
    assert!(!shown.contains("239") && !shown.to_lowercase().contains("ef"));
  }

  #[test]
  fn wrong_encryption_key_length_names_the_sizes() {
    let keys = KeyMaterial::from_raw(vec![1; 31], vec![2; 32]);
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
