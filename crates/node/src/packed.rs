//! The decode result as one string. Building a JavaScript object field by field costs several
//! N-API calls (about 2 µs measured for seven fields, more than the whole decode), while one
//! string costs one; `src/backend/unpack.ts` unpacks it with a few `indexOf` calls.
//!
//! Every result starts with its kind, then `m`, the chunk cookie mask (`chunkCookies`, one digit
//! `0` to `7`: bit `k - 1` for `name.k`; `0` from `decode`):
//! - `a` m: absent, e.g. `a0`.
//! - `i` m reason: invalid, e.g. `i0bad-mac`, `i3missing-chunk`.
//! - `e` m f `keyIndex.createdAt.duration.issuedAt`: expired; `f` is the format, `1` or `2`.
//! - `v` m f r `keyIndex.createdAt.duration.issuedAt.` JSON: valid; `r` is refresh (`0`/`1`).
//!   The JSON comes last, so whatever it contains cannot be mistaken for a separator.
//!
//! So `m` is always at index 1, `f` at index 2 and `r` at index 3, and the numbers (decimal)
//! start at index 3 (expired) or 4 (valid).

use client_sessions_core::{DecodeStatus, Decoded};

/// The packed result as bytes, built by hand: `format!` for the four numbers cost about 2,200
/// instructions per decode (its formatting machinery and a reallocation), more than AES.
pub fn pack(decoded: Decoded) -> Vec<u8> {
  let mask = b'0' + (decoded.chunk_cookies & 7);
  let format = b'0' + decoded.format.map_or(0, |f| f.number());
  let json = decoded.json.as_deref().unwrap_or_default();
  let mut out = Vec::with_capacity(json.len() + 72);
  match decoded.status {
    DecodeStatus::Absent => out.extend_from_slice(&[b'a', mask]),
    DecodeStatus::Invalid => {
      out.extend_from_slice(&[b'i', mask]);
      out.extend_from_slice(
        decoded
          .reason
          .map_or("malformed", |r| r.as_str())
          .as_bytes(),
      );
    }
    DecodeStatus::Expired => {
      out.extend_from_slice(&[b'e', mask, format]);
      push_numbers(&mut out, &decoded);
    }
    DecodeStatus::Valid => {
      out.extend_from_slice(&[
        b'v',
        mask,
        format,
        if decoded.refresh { b'1' } else { b'0' },
      ]);
      push_numbers(&mut out, &decoded);
      out.push(b'.');
      out.extend_from_slice(json.as_bytes());
    }
  }
  out
}

/// `keyIndex.createdAt.duration.issuedAt`.
fn push_numbers(out: &mut Vec<u8>, decoded: &Decoded) {
  push_decimal(out, u64::from(decoded.key_index));
  for number in [decoded.created_at, decoded.duration, decoded.issued_at] {
    out.push(b'.');
    push_decimal(out, number);
  }
}

fn push_decimal(out: &mut Vec<u8>, mut number: u64) {
  let mut digits = [0u8; 20];
  let mut at = digits.len();
  loop {
    at -= 1;
    digits[at] = b'0' + (number % 10) as u8;
    number /= 10;
    if number == 0 {
      break;
    }
  }
  out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
  use super::*;
  use client_sessions_core::{CookieFormat, InvalidReason};

  #[test]
  fn every_kind_has_its_fixed_fields() {
    let mut absent = Decoded::absent();
    absent.chunk_cookies = 5;
    assert_eq!(pack(absent), b"a5");
    let mut invalid = Decoded::invalid(InvalidReason::MissingChunk);
    invalid.chunk_cookies = 3;
    assert_eq!(pack(invalid), b"i3missing-chunk");
    let expired = Decoded {
      status: DecodeStatus::Expired,
      reason: None,
      json: None,
      created_at: 10,
      duration: 20,
      issued_at: 10,
      format: Some(CookieFormat::V2),
      key_index: 1,
      refresh: false,
      chunk_cookies: 0,
    };
    assert_eq!(pack(expired.clone()), b"e021.10.20.10");
    let valid = Decoded {
      status: DecodeStatus::Valid,
      json: Some(r#"{"a":"1.2.3"}"#.to_owned()),
      format: Some(CookieFormat::V1),
      refresh: true,
      chunk_cookies: 7,
      ..expired
    };
    assert_eq!(pack(valid.clone()), br#"v7111.10.20.10.{"a":"1.2.3"}"#);
    let extremes = Decoded {
      key_index: 0,
      created_at: 0,
      duration: 9_007_199_254_740_991,
      issued_at: u64::MAX,
      ..valid
    };
    assert_eq!(
      pack(extremes),
      br#"v7110.0.9007199254740991.18446744073709551615.{"a":"1.2.3"}"#
    );
  }
}
