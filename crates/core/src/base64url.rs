//! Unpadded base64url, strict on decode but for one leniency client-sessions had: only the 64
//! URL-safe characters, no padding, no impossible length, and the unused low bits of the last
//! character are ignored. client-sessions decoded with Node's base64 decoder, which ignores them,
//! and its own test suite carries a real cookie whose MAC ends in such a character, so refusing
//! it would log out users whose cookies an older encoder wrote. Nothing else is accepted (client-
//! sessions also skipped stray characters, which let many cookie strings stand for one session).
//!
//! The work is done by `base64-simd` (the hot path of every request: about half of a decode's
//! own time went to scalar base64 before it); a scalar implementation kept for the tests checks
//! it byte for byte, including every refusal.

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

/// Decodes `text`, or returns `None` for anything that is not unpadded base64url (the unused
/// bits of the last character are ignored, as Node's decoder ignores them).
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
  // SIMD where the CPU has it (AVX2, SSE4.1, NEON); its URL_SAFE_NO_PAD refuses padding,
  // characters outside the alphabet and non-zero trailing bits, as the tests below check
  // against the scalar reference. So the last character is handed to it with its unused bits
  // cleared, in a copy of the short tail: the long head is decoded where it lies.
  let tail_len = text.len() % 4;
  let Some(last) = text.last().copied().filter(|_| tail_len > 1) else {
    return base64_simd::URL_SAFE_NO_PAD.decode_to_vec(text).ok();
  };
  let head_len = text.len() - tail_len;
  let mut out = base64_simd::URL_SAFE_NO_PAD
    .decode_to_vec(&text[..head_len])
    .ok()?;
  let mut tail = [0u8; 3];
  tail[..tail_len].copy_from_slice(&text[head_len..]);
  tail[tail_len - 1] = without_unused_bits(last, tail_len)?;
  let mut rest = [0u8; 2];
  let decoded = base64_simd::URL_SAFE_NO_PAD
    .decode(&tail[..tail_len], base64_simd::Out::from_slice(&mut rest))
    .ok()?;
  out.extend_from_slice(decoded);
  Some(out)
}

/// Decodes `text` strictly, for format 2: unpadded, only the 64 URL-safe characters, and the
/// unused low bits of the last character zero, so each byte string has exactly one spelling.
pub fn decode_canonical(text: &[u8]) -> Option<Vec<u8>> {
  base64_simd::URL_SAFE_NO_PAD.decode_to_vec(text).ok()
}

/// The first three bytes that the first four characters of `text` stand for, when they are
/// base64url (format 2 reads the chunk count, `B[1]`, from them before joining the chunks).
pub fn decode_first_group(text: &[u8]) -> Option<[u8; 3]> {
  let mut out = [0u8; 3];
  base64_simd::URL_SAFE_NO_PAD
    .decode(text.get(..4)?, base64_simd::Out::from_slice(&mut out))
    .ok()?;
  Some(out)
}

/// The alphabet character for `last` with the bits a `tail_len`-character tail does not use
/// cleared (four of them after two characters, two after three); `None` if `last` is not in
/// the alphabet.
fn without_unused_bits(last: u8, tail_len: usize) -> Option<u8> {
  let value = sextet(last)?;
  let used = if tail_len == 2 { 0x30 } else { 0x3c };
  Some(ALPHABET[usize::from(value & used)])
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn sextet(c: u8) -> Option<u8> {
  match c {
    b'A'..=b'Z' => Some(c - b'A'),
    b'a'..=b'z' => Some(c - b'a' + 26),
    b'0'..=b'9' => Some(c - b'0' + 52),
    b'-' => Some(62),
    b'_' => Some(63),
    _ => None,
  }
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
      // Two characters carry one byte; the last four bits are unused.
      tail[0] = (a << 2) | (b >> 4);
    }
    [a, b, c] => {
      let (a, b, c) = (
        DECODE[usize::from(a)],
        DECODE[usize::from(b)],
        DECODE[usize::from(c)],
      );
      seen |= a | b | c;
      // Three characters carry two bytes; the last two bits are unused.
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
  use base64::alphabet::URL_SAFE;
  use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
  use base64::engine::DecodePaddingMode;
  use base64::Engine;

  /// Node's decoder, as far as client-sessions relied on it: unpadded, trailing bits ignored.
  const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
      .with_encode_padding(false)
      .with_decode_padding_mode(DecodePaddingMode::RequireNone)
      .with_decode_allow_trailing_bits(true),
  );

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
  fn rejects_padding_and_foreign_characters_but_ignores_unused_bits() {
    assert_eq!(decode(b"AAEC"), Some(vec![0, 1, 2]));
    assert_eq!(decode(b"AQ"), Some(vec![1]));
    assert_eq!(decode(b"AQE"), Some(vec![1, 1]));
    assert_eq!(
      decode(b"AR"),
      Some(vec![1]),
      "unused bits, as Node ignores them"
    );
    assert_eq!(
      decode(b"A_"),
      Some(vec![3]),
      "unused bits, as Node ignores them"
    );
    assert_eq!(
      decode(b"AQF"),
      Some(vec![1, 1]),
      "unused bits, as Node ignores them"
    );
    assert_eq!(
      decode(b"AAECAR"),
      Some(vec![0, 1, 2, 1]),
      "after a whole group"
    );
    assert_eq!(decode(b"AQ=="), None, "padding");
    assert_eq!(decode(b"AR="), None, "padding");
    assert_eq!(decode(b"A="), None, "padding");
    assert_eq!(decode(b"A+"), None, "standard alphabet in the tail");
    assert_eq!(decode(b"A."), None, "separator in the tail");
    assert_eq!(decode(b"A+EC"), None, "standard alphabet");
    assert_eq!(decode(b"A/EC"), None, "standard alphabet");
    assert_eq!(decode(b"AA EC"), None, "whitespace");
    assert_eq!(decode(b"AAECA"), None, "impossible length");
    assert_eq!(decode(b"AA.C"), None, "separator");
    assert_eq!(decode(b"AA\xc3\xa9"), None, "non-ASCII");
  }

  #[test]
  fn canonical_decoding_refuses_unused_bits() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(100).collect();
    for len in 0..bytes.len() {
      let text = URL_SAFE_NO_PAD.encode(&bytes[..len]);
      assert_eq!(
        decode_canonical(text.as_bytes()).as_deref(),
        Some(&bytes[..len])
      );
    }
    assert_eq!(decode_canonical(b"AQ"), Some(vec![1]));
    assert_eq!(decode_canonical(b"AQE"), Some(vec![1, 1]));
    for bad in [
      &b"AR"[..],
      b"A_",
      b"AQF",
      b"AAECAR",
      b"AQ==",
      b"A+EC",
      b"A/EC",
      b"AAECA",
      b"AA.C",
      b"AA EC",
    ] {
      assert_eq!(
        decode_canonical(bad),
        None,
        "{}",
        String::from_utf8_lossy(bad)
      );
      assert_eq!(
        decode_canonical(bad),
        URL_SAFE_NO_PAD.decode(bad).ok(),
        "the base64 crate's strict engine agrees"
      );
    }
  }

  #[test]
  fn the_first_group_is_the_first_three_bytes() {
    assert_eq!(decode_first_group(b"AgEA"), Some([2, 1, 0]));
    assert_eq!(decode_first_group(b"AgEAxyz.."), Some([2, 1, 0]));
    assert_eq!(decode_first_group(b"AgE"), None);
    assert_eq!(decode_first_group(b"Ag=A"), None);
    assert_eq!(decode_first_group(b"Ag.A"), None);
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
        assert_eq!(decode(&two), LENIENT.decode(two).ok(), "{two:?}");
        for c in [b'A', b'B', b'C', b'D', b'_', b'-'] {
          let three = [*a, *b, c];
          assert_eq!(decode(&three), LENIENT.decode(three).ok(), "{three:?}");
        }
      }
    }
  }
}
