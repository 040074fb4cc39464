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

pub fn pack(decoded: Decoded) -> String {
  let mask = char::from(b'0' + (decoded.chunk_cookies & 7));
  let format = char::from(b'0' + decoded.format.map_or(0, |f| f.number()));
  match decoded.status {
    DecodeStatus::Absent => format!("a{mask}"),
    DecodeStatus::Invalid => {
      let reason = decoded.reason.map_or("malformed", |r| r.as_str());
      format!("i{mask}{reason}")
    }
    DecodeStatus::Expired => format!(
      "e{mask}{format}{}.{}.{}.{}",
      decoded.key_index, decoded.created_at, decoded.duration, decoded.issued_at
    ),
    DecodeStatus::Valid => {
      let json = decoded.json.unwrap_or_default();
      let mut out = String::with_capacity(json.len() + 72);
      out.push('v');
      out.push(mask);
      out.push(format);
      out.push(if decoded.refresh { '1' } else { '0' });
      out.push_str(&format!(
        "{}.{}.{}.{}.",
        decoded.key_index, decoded.created_at, decoded.duration, decoded.issued_at
      ));
      out.push_str(&json);
      out
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use client_sessions_core::{CookieFormat, InvalidReason};

  #[test]
  fn every_kind_has_its_fixed_fields() {
    let mut absent = Decoded::absent();
    absent.chunk_cookies = 5;
    assert_eq!(pack(absent), "a5");
    let mut invalid = Decoded::invalid(InvalidReason::MissingChunk);
    invalid.chunk_cookies = 3;
    assert_eq!(pack(invalid), "i3missing-chunk");
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
    assert_eq!(pack(expired.clone()), "e021.10.20.10");
    let valid = Decoded {
      status: DecodeStatus::Valid,
      json: Some(r#"{"a":"1.2.3"}"#.to_owned()),
      format: Some(CookieFormat::V1),
      refresh: true,
      chunk_cookies: 7,
      ..expired
    };
    assert_eq!(pack(valid), r#"v7111.10.20.10.{"a":"1.2.3"}"#);
  }
}
