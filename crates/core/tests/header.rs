//! Finding and decoding the cookie inside a whole `Cookie` header.

mod common;

use client_sessions_core::{DecodeStatus, InvalidReason};
use common::*;

#[test]
fn decodes_the_named_cookie_among_others() {
  let codec = secret_codec("session", &["secret"]);
  let cookie = codec.encode(r#"{"a":1}"#, T0, DAY).unwrap();
  let header = format!("theme=dark; session={cookie}; other=1");
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.status, DecodeStatus::Valid);
  assert_eq!(decoded.json.as_deref(), Some(r#"{"a":1}"#));
  let quoted = format!("session=\"{cookie}\"");
  assert_eq!(
    codec.decode_from_header(quoted.as_bytes(), T0).status,
    DecodeStatus::Valid
  );
}

#[test]
fn absent_when_no_cookie_has_the_name() {
  let codec = secret_codec("session", &["secret"]);
  for header in ["", "a=1", "session_state=x", "xsession=1", ";;;", "session"] {
    assert_eq!(
      codec.decode_from_header(header.as_bytes(), T0).status,
      DecodeStatus::Absent,
      "{header}"
    );
  }
}

#[test]
fn first_valid_duplicate_wins_then_the_first_authentic_then_the_first_result() {
  let codec = secret_codec("session", &["secret"]);
  let good = codec.encode(r#"{"good":true}"#, T0, DAY).unwrap();
  let other = codec.encode(r#"{"other":true}"#, T0, DAY).unwrap();
  let expired = codec.encode(r#"{"old":true}"#, T0 - 2 * DAY, DAY).unwrap();
  let older = codec
    .encode(r#"{"older":true}"#, T0 - 3 * DAY, DAY)
    .unwrap();

  let header = format!("session=garbage; session=; session={good}; session={other}");
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.json.as_deref(), Some(r#"{"good":true}"#));

  // An expired session ahead of a live one does not hide it.
  let header = format!("session={expired}; session=garbage; session={good}");
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.status, DecodeStatus::Valid);
  assert_eq!(decoded.json.as_deref(), Some(r#"{"good":true}"#));

  // None valid: the first authentic one is reported, even behind a forgery.
  let header = format!("session=garbage; session={expired}; session={older}");
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.status, DecodeStatus::Expired);
  assert_eq!(decoded.created_at, T0 - 2 * DAY);

  let bad_only = "session=garbage; session=also.bad";
  let decoded = codec.decode_from_header(bad_only.as_bytes(), T0);
  assert_eq!(decoded.status, DecodeStatus::Invalid);
  assert_eq!(decoded.reason, Some(InvalidReason::Malformed));
}

#[test]
fn a_header_stuffed_with_copies_is_bounded() {
  let codec = secret_codec("session", &["secret"]);
  let good = codec.encode("{}", T0, DAY).unwrap();
  // The valid cookie comes after more bad copies than are tried, so it is not reached.
  let mut header = "session=x.y.z; ".repeat(8);
  header.push_str(&format!("session={good}"));
  assert_eq!(
    codec.decode_from_header(header.as_bytes(), T0).status,
    DecodeStatus::Invalid
  );
}

#[test]
fn other_cookie_names_do_not_read_each_other() {
  let cart = secret_codec("cart", &["secret"]);
  let auth = secret_codec("auth", &["secret"]);
  let cart_cookie = cart.encode(r#"{"items":[]}"#, T0, DAY).unwrap();
  // Same secret, cookie renamed by an attacker: the name inside the plaintext gives it away.
  let header = format!("auth={cart_cookie}");
  assert_eq!(
    auth.decode_from_header(header.as_bytes(), T0).reason,
    Some(InvalidReason::WrongName)
  );
}
