//! Splitting a cookie value into its five fields and building the bytes the MAC covers.

use crate::base64url;

/// The largest number either timestamp field may hold: JavaScript's `Number.MAX_SAFE_INTEGER`,
/// so the middleware does exact arithmetic on what it reads.
pub const MAX_TIMESTAMP: u64 = (1 << 53) - 1;

pub const IV_LEN: usize = 16;

/// The fields of a cookie value that passed the syntax checks but not yet the MAC.
pub struct Fields<'a> {
  pub iv: [u8; IV_LEN],
  pub ciphertext: Vec<u8>,
  /// The decimal texts exactly as the cookie carries them (canonical, so equal to what the
  /// encoder wrote and the MAC covered).
  pub created_at_text: &'a [u8],
  pub duration_text: &'a [u8],
  pub created_at: u64,
  pub duration: u64,
  pub tag: Vec<u8>,
}

/// Parses `value` into its fields; `None` when it is not five well-formed fields.
pub fn parse(value: &[u8], tag_len: usize) -> Option<Fields<'_>> {
  let mut parts = value.split(|&b| b == b'.');
  let iv_text = parts.next()?;
  let ciphertext_text = parts.next()?;
  let created_at_text = parts.next()?;
  let duration_text = parts.next()?;
  let tag_text = parts.next()?;
  if parts.next().is_some() {
    return None;
  }
  // Cheap length checks before any decoding: a 16-byte iv is 22 characters, the tag's length
  // is fixed by the algorithm, and AES-CBC output is whole 16-byte blocks.
  if iv_text.len() != base64url::encoded_len(IV_LEN)
    || tag_text.len() != base64url::encoded_len(tag_len)
  {
    return None;
  }
  let created_at = parse_decimal(created_at_text)?;
  let duration = parse_decimal(duration_text)?;
  let iv: [u8; IV_LEN] = base64url::decode(iv_text)?.try_into().ok()?;
  let ciphertext = base64url::decode(ciphertext_text)?;
  if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
    return None;
  }
  let tag = base64url::decode(tag_text)?;
  Some(Fields {
    iv,
    ciphertext,
    created_at_text,
    duration_text,
    created_at,
    duration,
    tag,
  })
}

/// Canonical decimal: `0` or a digit string without leading zeros, at most [`MAX_TIMESTAMP`].
/// Signs, spaces, exponents and fractions are refused (client-sessions' `parseInt` took `12abc`).
pub fn parse_decimal(text: &[u8]) -> Option<u64> {
  match text {
    [] => None,
    [b'0'] => Some(0),
    [b'0', ..] => None,
    _ if text.len() > 16 => None,
    _ => {
      let mut n: u64 = 0;
      for &b in text {
        if !b.is_ascii_digit() {
          return None;
        }
        n = n * 10 + u64::from(b - b'0');
      }
      (n <= MAX_TIMESTAMP).then_some(n)
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn decimals_must_be_canonical_and_safe_integers() {
    assert_eq!(parse_decimal(b"0"), Some(0));
    assert_eq!(parse_decimal(b"86400000"), Some(86_400_000));
    assert_eq!(parse_decimal(b"9007199254740991"), Some(MAX_TIMESTAMP));
    for bad in [
      &b""[..],
      b"00",
      b"01",
      b"-1",
      b"+1",
      b" 1",
      b"1 ",
      b"1e3",
      b"1.0",
      b"12abc",
      b"9007199254740992",
      b"99999999999999999999",
      b"\xd9\xa1",
    ] {
      assert_eq!(
        parse_decimal(bad),
        None,
        "{:?}",
        String::from_utf8_lossy(bad)
      );
    }
  }

  #[test]
  fn needs_exactly_five_fields() {
    let iv = "A".repeat(22);
    let tag = "A".repeat(43);
    let good = format!("{iv}.AAAAAAAAAAAAAAAAAAAAAA.1.2.{tag}");
    assert!(parse(good.as_bytes(), 32).is_some());
    assert!(parse(format!("{good}.").as_bytes(), 32).is_none());
    assert!(parse(
      format!("{iv}.AAAAAAAAAAAAAAAAAAAAAA.1.{tag}").as_bytes(),
      32
    )
    .is_none());
    assert!(parse(b"", 32).is_none());
    assert!(parse(b"....", 32).is_none());
  }

  #[test]
  fn rejects_wrong_lengths() {
    let iv = "A".repeat(22);
    let tag = "A".repeat(43);
    // 15-byte ciphertext (not whole blocks), empty ciphertext, short iv, tag for another hash.
    assert!(parse(
      format!("{iv}.AAAAAAAAAAAAAAAAAAAA.1.2.{tag}").as_bytes(),
      32
    )
    .is_none());
    assert!(parse(format!("{iv}..1.2.{tag}").as_bytes(), 32).is_none());
    assert!(parse(
      format!("{}.AAAAAAAAAAAAAAAAAAAAAA.1.2.{tag}", &iv[..21]).as_bytes(),
      32
    )
    .is_none());
    assert!(parse(
      format!("{iv}.AAAAAAAAAAAAAAAAAAAAAA.1.2.{tag}").as_bytes(),
      64
    )
    .is_none());
  }
}
