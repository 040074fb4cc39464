//! Strings across N-API without napi-rs's `String` conversions, which cost more than the
//! codec's own work outside SHA-256 on a 610-byte cookie header: reading one took two V8 calls
//! (`Utf8Length`, then `WriteUtf8`) and a zero-filled buffer, about 3,000 instructions per
//! header; writing the packed result went through UTF-8 validation in V8 again. Cookie headers,
//! cookie values and the session JSON are nearly always ASCII, so both directions take a
//! one-byte path and fall back to UTF-8 only when a character needs it, with the same bytes
//! napi-rs's conversion gives (lone surrogates become U+FFFD in both).

use std::cell::RefCell;
use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Error, Result, Status, ValueType};

thread_local! {
  /// The UTF-16 units of the string being read, kept between calls so a read allocates only
  /// the bytes it returns. (A thread's own: worker threads each load the addon.)
  static UNITS: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
}

/// A JavaScript string as UTF-8 bytes.
pub struct Utf8Text(Vec<u8>);

impl Utf8Text {
  pub fn as_bytes(&self) -> &[u8] {
    &self.0
  }

  pub fn as_str(&self) -> &str {
    // SAFETY: `utf8_bytes` makes the bytes: ASCII, or `String::from_utf16_lossy`'s.
    unsafe { std::str::from_utf8_unchecked(&self.0) }
  }
}

impl TypeName for Utf8Text {
  fn type_name() -> &'static str {
    "String"
  }

  fn value_type() -> ValueType {
    ValueType::String
  }
}

impl ValidateNapiValue for Utf8Text {}

impl FromNapiValue for Utf8Text {
  unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
    // With no buffer, Node answers the length in units without looking at the characters.
    let mut len = 0;
    let status =
      unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut len) };
    if status != sys::Status::napi_ok {
      return Err(Error::new(Status::StringExpected, "expected a string"));
    }
    UNITS.with_borrow_mut(|units| {
      units.clear();
      // One more for the terminating NUL Node writes.
      units.reserve(len + 1);
      let mut written = 0;
      let status = unsafe {
        sys::napi_get_value_string_utf16(env, value, units.as_mut_ptr(), len + 1, &mut written)
      };
      if status != sys::Status::napi_ok {
        return Err(Error::new(Status::StringExpected, "expected a string"));
      }
      // SAFETY: Node wrote `written` units (at most `len`) into the reserved capacity.
      unsafe { units.set_len(written.min(len)) };
      Ok(Self(utf8_bytes(units)))
    })
  }
}

/// UTF-16 as UTF-8: a narrowing copy when every unit is ASCII, else the full conversion.
/// Both loops are written so LLVM vectorises them (an OR over fixed-size blocks, then a
/// truncating copy into a sized buffer): as `all()` and `map().collect()` they ran a unit at a
/// time and cost more than the two V8 calls they replace.
fn utf8_bytes(units: &[u16]) -> Vec<u8> {
  let blocks = units.chunks_exact(16);
  let tail = blocks.remainder().iter().fold(0, |acc, &unit| acc | unit);
  let ascii = tail < 0x80
    && blocks
      .into_iter()
      .all(|block| block.iter().fold(0, |acc, &unit| acc | unit) < 0x80);
  if !ascii {
    return String::from_utf16_lossy(units).into_bytes();
  }
  let mut bytes = vec![0; units.len()];
  for (byte, &unit) in bytes.iter_mut().zip(units) {
    *byte = unit as u8;
  }
  bytes
}

/// UTF-8 text to hand back as a JavaScript string.
pub struct Utf8Out(pub Vec<u8>);

impl TypeName for Utf8Out {
  fn type_name() -> &'static str {
    "String"
  }

  fn value_type() -> ValueType {
    ValueType::String
  }
}

impl ToNapiValue for Utf8Out {
  unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
    let bytes = &value.0;
    let mut out = ptr::null_mut();
    // ASCII is the same in Latin-1, which V8 copies as it is instead of decoding.
    let status = if bytes.is_ascii() {
      unsafe {
        sys::napi_create_string_latin1(env, bytes.as_ptr().cast(), bytes.len() as isize, &mut out)
      }
    } else {
      unsafe {
        sys::napi_create_string_utf8(env, bytes.as_ptr().cast(), bytes.len() as isize, &mut out)
      }
    };
    if status != sys::Status::napi_ok {
      return Err(Error::new(
        Status::GenericFailure,
        "could not create a string",
      ));
    }
    Ok(out)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn ascii_is_narrowed_and_anything_else_is_utf8() {
    let ascii: Vec<u16> = "session=abc; x=1".encode_utf16().collect();
    assert_eq!(utf8_bytes(&ascii), b"session=abc; x=1");
    let wide: Vec<u16> = "a=\u{e9}\u{173}\u{1f600}".encode_utf16().collect();
    assert_eq!(utf8_bytes(&wide), "a=\u{e9}\u{173}\u{1f600}".as_bytes());
    // A lone surrogate becomes U+FFFD, as in V8's own UTF-8 conversion.
    assert_eq!(utf8_bytes(&[0x61, 0xd800, 0x62]), "a\u{fffd}b".as_bytes());
    assert_eq!(utf8_bytes(&[]), b"");
  }
}
