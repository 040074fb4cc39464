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
///
/// The iv and the tag have fixed lengths, so their separators are at known places, and the two
/// numbers (at most 16 digits each) sit just before the tag: the only scan for a separator is
/// over those few bytes, never over the ciphertext. A stray `.` anywhere else is refused by
/// the base64url decoder, so "exactly five fields" holds all the same.
pub fn parse(value: &[u8], tag_len: usize) -> Option<Fields<'_>> {
  let iv_text_len = base64url::encoded_len(IV_LEN);
  let tag_text_len = base64url::encoded_len(tag_len);
  // iv . ct . n . n . tag with at least one character in ct and in each number.
  if value.len() < iv_text_len + tag_text_len + 7 {
    return None;
  }
  let tag_start = value.len() - tag_text_len;
  if value[iv_text_len] != b'.' || value[tag_start - 1] != b'.' {
    return None;
  }
  let middle = &value[iv_text_len + 1..tag_start - 1];
  let duration_dot = memchr::memrchr(b'.', middle)?;
  let created_at_dot = memchr::memrchr(b'.', &middle[..duration_dot])?;
  let ciphertext_text = &middle[..created_at_dot];
  let created_at_text = &middle[created_at_dot + 1..duration_dot];
  let duration_text = &middle[duration_dot + 1..];
  let created_at = parse_decimal(created_at_text)?;
  let duration = parse_decimal(duration_text)?;
  // Cheap length check before decoding: AES-CBC output is whole 16-byte blocks.
  let ciphertext_len =
    ciphertext_text.len() / 4 * 3 + (ciphertext_text.len() % 4).saturating_sub(1);
  if ciphertext_len == 0 || ciphertext_len % 16 != 0 {
    return None;
  }
  let iv: [u8; IV_LEN] = base64url::decode(&value[..iv_text_len])?.try_into().ok()?;
  let ciphertext = base64url::decode(ciphertext_text)?;
  let tag = base64url::decode(&value[tag_start..])?;
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
