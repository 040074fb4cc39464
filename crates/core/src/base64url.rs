//! Unpadded base64url, strict on decode: only the 64 URL-safe characters, no padding, and no
//! non-zero trailing bits, so each byte string has exactly one accepted text (client-sessions
//! ignored stray characters, which let several cookie strings stand for one session).
//!
//! The work is done by `base64-simd` (the hot path of every request: about half of a decode's
//! own time went to scalar base64 before it); a scalar implementation kept for the tests checks
//! it byte for byte, including every refusal.

#[cfg(test)]
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[cfg(test)]
const INVALID: u8 = 0xff;

/// Character → 6-bit value, or `INVALID`.
#[cfg(test)]
const DECODE: [u8; 256] = {
  let mut table = [INVALID; 256];
  let mut i = 0;
  while i < 64 {
    table[ALPHABET[i] as usize] = i as u8;
    i += 1;
  }
  table
};

pub fn encoded_len(byte_len: usize) -> usize {
  (byte_len * 4).div_ceil(3)
}

/// Appends the encoding of `bytes` to `out` (ASCII only).
pub fn encode_into(bytes: &[u8], out: &mut Vec<u8>) {
  base64_simd::URL_SAFE_NO_PAD.encode_append(bytes, out);
}

/// Decodes `text`, or returns `None` for anything that is not canonical unpadded base64url.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
  // SIMD where the CPU has it (AVX2, SSE4.1, NEON); its URL_SAFE_NO_PAD refuses padding,
  // characters outside the alphabet and non-zero trailing bits, as the tests below check
  // against the scalar reference.
  base64_simd::URL_SAFE_NO_PAD.decode_to_vec(text).ok()
}

/// The scalar encoder the SIMD one is checked against.
#[cfg(test)]
fn encode_scalar(bytes: &[u8], out: &mut Vec<u8>) {
  let start = out.len();
  out.resize(start + encoded_len(bytes.len()), 0);
  let dest = &mut out[start..];
  let mut groups = bytes.chunks_exact(3);
  let mut slots = dest.chunks_exact_mut(4);
  for (c, o) in (&mut groups).zip(&mut slots) {
    let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
    o[0] = ALPHABET[(n >> 18) as usize & 63];
    o[1] = ALPHABET[(n >> 12) as usize & 63];
    o[2] = ALPHABET[(n >> 6) as usize & 63];
    o[3] = ALPHABET[n as usize & 63];
  }
  let tail = slots.into_remainder();
  match *groups.remainder() {
    [a] => {
      tail[0] = ALPHABET[usize::from(a >> 2)];
      tail[1] = ALPHABET[usize::from((a & 0x03) << 4)];
    }
    [a, b] => {
      tail[0] = ALPHABET[usize::from(a >> 2)];
      tail[1] = ALPHABET[usize::from(((a & 0x03) << 4) | (b >> 4))];
      tail[2] = ALPHABET[usize::from((b & 0x0f) << 2)];
    }
    _ => {}
  }
}

/// The scalar decoder the SIMD one is checked against.
#[cfg(test)]
fn decode_scalar(text: &[u8]) -> Option<Vec<u8>> {
  let tail_len = text.len() % 4;
  if tail_len == 1 {
    return None;
  }
  let mut out = vec![0u8; text.len() / 4 * 3 + tail_len.saturating_sub(1)];
  // Any character outside the alphabet maps to INVALID, whose top bits survive the OR: one
  // test after the loop instead of a branch per character.
  let mut seen = 0u8;
  let mut groups = text.chunks_exact(4);
  let mut slots = out.chunks_exact_mut(3);
  for (c, o) in (&mut groups).zip(&mut slots) {
    let (a, b, c2, d) = (
      DECODE[usize::from(c[0])],
      DECODE[usize::from(c[1])],
      DECODE[usize::from(c[2])],
      DECODE[usize::from(c[3])],
    );
    seen |= a | b | c2 | d;
    o[0] = (a << 2) | (b >> 4);
    o[1] = (b << 4) | (c2 >> 2);
    o[2] = (c2 << 6) | d;
  }
  let tail = slots.into_remainder();
  match *groups.remainder() {
    [] => {}
    [a, b] => {
      let (a, b) = (DECODE[usize::from(a)], DECODE[usize::from(b)]);
      seen |= a | b;
      // Two characters carry one byte; the last four bits must be zero.
      if b & 0x0f != 0 {
        return None;
      }
      tail[0] = (a << 2) | (b >> 4);
    }
    [a, b, c] => {
      let (a, b, c) = (
        DECODE[usize::from(a)],
        DECODE[usize::from(b)],
        DECODE[usize::from(c)],
      );
      seen |= a | b | c;
      // Three characters carry two bytes; the last two bits must be zero.
      if c & 0x03 != 0 {
        return None;
      }
      tail[0] = (a << 2) | (b >> 4);
      tail[1] = (b << 4) | (c >> 2);
    }
    _ => return None,
  }
  (seen & 0xc0 == 0).then_some(out)
}

#[cfg(test)]
mod tests {
  use super::*;
  use base64::engine::general_purpose::URL_SAFE_NO_PAD;
  use base64::Engine;

  #[test]
  fn matches_a_reference_implementation_for_every_length() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(300).collect();
    for len in 0..bytes.len() {
      let mut out = b"prefix.".to_vec();
      encode_into(&bytes[..len], &mut out);
      assert_eq!(&out[..7], b"prefix.");
      let text = String::from_utf8(out[7..].to_vec()).unwrap();
      assert_eq!(text, URL_SAFE_NO_PAD.encode(&bytes[..len]), "length {len}");
      assert_eq!(text.len(), encoded_len(len));
      assert_eq!(decode(text.as_bytes()).as_deref(), Some(&bytes[..len]));
    }
  }

  #[test]
  fn rejects_padding_foreign_characters_and_trailing_bits() {
    assert_eq!(decode(b"AAEC"), Some(vec![0, 1, 2]));
    assert_eq!(decode(b"AQ"), Some(vec![1]));
    assert_eq!(decode(b"AQE"), Some(vec![1, 1]));
    assert_eq!(decode(b"AQ=="), None, "padding");
    assert_eq!(decode(b"AR"), None, "non-zero trailing bits");
    assert_eq!(decode(b"AQF"), None, "non-zero trailing bits");
    assert_eq!(decode(b"A+EC"), None, "standard alphabet");
    assert_eq!(decode(b"A/EC"), None, "standard alphabet");
    assert_eq!(decode(b"AA EC"), None, "whitespace");
    assert_eq!(decode(b"AAECA"), None, "impossible length");
    assert_eq!(decode(b"AA.C"), None, "separator");
    assert_eq!(decode(b"AA\xc3\xa9"), None, "non-ASCII");
  }

  #[test]
  fn simd_and_scalar_decoders_agree() {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for len in 0..200 {
      let text: Vec<u8> = (0..len).map(|i| ALPHABET[(i * 7 + len) % 64]).collect();
      inputs.push(text.clone());
      for bad in [b'=', b'+', b'/', b'.', b' ', 0x80, 0xff] {
        for at in [0, len / 2, len.saturating_sub(1)] {
          if len > 0 {
            let mut broken = text.clone();
            broken[at] = bad;
            inputs.push(broken);
          }
        }
      }
    }
    for input in inputs {
      assert_eq!(
        decode(&input),
        decode_scalar(&input),
        "{:?}",
        String::from_utf8_lossy(&input)
      );
      let (mut simd, mut scalar) = (b"x.".to_vec(), b"x.".to_vec());
      encode_into(&input, &mut simd);
      encode_scalar(&input, &mut scalar);
      assert_eq!(simd, scalar);
    }
  }

  #[test]
  fn agrees_with_the_reference_on_every_two_and_three_character_tail() {
    for a in ALPHABET {
      for b in ALPHABET {
        let two = [*a, *b];
        assert_eq!(decode(&two), URL_SAFE_NO_PAD.decode(two).ok(), "{two:?}");
        for c in [b'A', b'B', b'C', b'D', b'_', b'-'] {
          let three = [*a, *b, c];
          assert_eq!(
            decode(&three),
            URL_SAFE_NO_PAD.decode(three).ok(),
            "{three:?}"
          );
        }
      }
    }
  }
}
