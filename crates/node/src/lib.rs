//! N-API binding for the codec. It converts JavaScript values to Rust ones and codec errors to
//! JavaScript errors with an `err.code`; the cookie logic lives in `client-sessions-core`.
#![deny(clippy::all)]

mod codec;
mod convert;
mod packed;
mod text;
