//! Unpadded base64url, strict on decode: only the 64 URL-safe characters, no padding, and no
//! non-zero trailing bits, so each byte string has exactly one accepted text (client-sessions
//! ignored stray characters, which let several cookie strings stand for one session).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub fn encode_into(bytes: &[u8], out: &mut String) {
  URL_SAFE_NO_PAD.encode_string(bytes, out);
}

pub fn encoded_len(byte_len: usize) -> usize {
  (byte_len * 4).div_ceil(3)
}

/// Decodes `text`, or returns `None` for anything that is not canonical unpadded base64url.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
  URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn round_trips_every_length() {
    let bytes: Vec<u8> = (0..=255u8).collect();
    for len in 0..64 {
      let mut text = String::new();
      encode_into(&bytes[..len], &mut text);
      assert_eq!(text.len(), encoded_len(len));
      assert!(!text.contains(['=', '+', '/']));
      assert_eq!(decode(text.as_bytes()).as_deref(), Some(&bytes[..len]));
    }
  }

  #[test]
  fn rejects_padding_foreign_characters_and_trailing_bits() {
    assert_eq!(decode(b"AAEC"), Some(vec![0, 1, 2]));
    assert_eq!(decode(b"AQ"), Some(vec![1]));
    assert_eq!(decode(b"AQ=="), None, "padding");
    assert_eq!(decode(b"AR"), None, "non-zero trailing bits");
    assert_eq!(decode(b"A+EC"), None, "standard alphabet");
    assert_eq!(decode(b"A/EC"), None, "standard alphabet");
    assert_eq!(decode(b"AA EC"), None, "whitespace");
    assert_eq!(decode(b"AAECA"), None, "impossible length");
  }
}
