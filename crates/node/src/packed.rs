//! The decode result as one string. Building a JavaScript object field by field costs several
//! N-API calls (about 2 µs measured for seven fields, more than the whole decode), while one
//! string costs one; `src/backend/native.ts` unpacks it with a few `indexOf` calls.
//!
//! Formats, by first character:
//! - `a`: absent.
//! - `i` + reason: invalid, e.g. `ibad-mac`.
//! - `e` + `keyIndex.createdAt.duration`: expired.
//! - `v` + refresh (`0`/`1`) + `keyIndex.createdAt.duration.` + JSON text: valid. The JSON comes
//!   last, so whatever it contains cannot be mistaken for a separator.

use client_sessions_core::{DecodeStatus, Decoded};

pub fn pack(decoded: Decoded) -> String {
  match decoded.status {
    DecodeStatus::Absent => "a".to_owned(),
    DecodeStatus::Invalid => {
      let reason = decoded.reason.map_or("malformed", |r| r.as_str());
      format!("i{reason}")
    }
    DecodeStatus::Expired => format!(
      "e{}.{}.{}",
      decoded.key_index, decoded.created_at, decoded.duration
    ),
    DecodeStatus::Valid => {
      let json = decoded.json.unwrap_or_default();
      let mut out = String::with_capacity(json.len() + 48);
      out.push('v');
      out.push(if decoded.refresh { '1' } else { '0' });
      out.push_str(&format!(
        "{}.{}.{}.",
        decoded.key_index, decoded.created_at, decoded.duration
      ));
      out.push_str(&json);
      out
    }
  }
}
