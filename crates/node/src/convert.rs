//! Conversions between JavaScript numbers and the codec's integer milliseconds, and from codec
//! errors to JavaScript errors.

use client_sessions_core::MAX_TIMESTAMP;
use napi::Error;

/// An error whose JavaScript `code` is one of the codec's stable `ERR_CLIENT_SESSIONS_*` codes.
pub type CodedError = Error<&'static str>;

/// Messages start with the package name, as the TypeScript layer's do.
pub fn coded(code: &'static str, message: impl std::fmt::Display) -> CodedError {
  Error::new(code, format!("client-sessions-native: {message}"))
}

/// A JavaScript number that must be a whole number of milliseconds in `0..=2^53-1`.
pub fn millis(value: f64, what: &str) -> Result<u64, CodedError> {
  if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= MAX_TIMESTAMP as f64 {
    Ok(value as u64)
  } else {
    Err(coded(
      "ERR_CLIENT_SESSIONS_TIMESTAMP",
      format!("{what} must be a whole number of milliseconds from 0 to 2^53-1"),
    ))
  }
}

/// The current time for expiry checks. `Date.now()` is always a whole number; a fraction is
/// dropped rather than refused so callers may pass `performance.timeOrigin + performance.now()`.
pub fn now_millis(value: f64) -> Result<u64, CodedError> {
  millis(value.floor(), "now")
}
