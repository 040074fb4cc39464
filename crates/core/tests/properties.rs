//! Property tests (proptest): any content round-trips, any single-byte change is refused (unless
//! it only touches bits Node's base64 decoder ignores), any input is handled without panicking,
//! and a cookie never decodes under another name or key.

mod common;

use client_sessions_core::{DecodeStatus, InvalidReason};
use common::*;
use proptest::prelude::*;

proptest! {
  #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

  #[test]
  fn any_text_round_trips(json in ".{0,300}", created_at in 0u64..(1 << 45), duration in 1u64..(1 << 40)) {
    let codec = secret_codec("session", &["a property test secret, long enough"]);
    let cookie = codec.encode(&json, created_at, duration).unwrap();
    let decoded = codec.decode(cookie.as_bytes(), created_at);
    prop_assert_eq!(decoded.status, DecodeStatus::Valid);
    prop_assert_eq!(decoded.json.as_deref(), Some(json.as_str()));
    prop_assert_eq!((decoded.created_at, decoded.duration), (created_at, duration));
  }

  #[test]
  fn any_single_byte_change_is_refused(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
    let codec = secret_codec("session", &["a property test secret, long enough"]);
    let json = r#"{"user":"ada","admin":false}"#;
    let cookie = codec.encode(json, T0, DAY).unwrap().into_bytes();
    let i = at.index(cookie.len());
    prop_assume!(cookie[i] != byte);
    let mut forged = cookie.clone();
    forged[i] = byte;
    let decoded = codec.decode(&forged, T0);
    if same_cookie(&cookie, &forged) {
      prop_assert_eq!(decoded.json.as_deref(), Some(json));
    } else {
      prop_assert_eq!(decoded.status, DecodeStatus::Invalid);
      prop_assert_eq!(decoded.json, None);
    }
  }

  #[test]
  fn a_change_to_unused_bits_is_the_same_cookie(field in 0usize..3, bits in 1u8..16) {
    // The iv (22 characters) ends with four unused bits, the tag (43) and this ciphertext
    // (43: 32 bytes) with two: each may be set without changing what the cookie says.
    let codec = secret_codec("session", &["a property test secret, long enough"]);
    let json = r#"{"user":"ada"}"#;
    let cookie = codec.encode(json, T0, DAY).unwrap();
    let mut fields: Vec<String> = cookie.split('.').map(str::to_owned).collect();
    let index = [0, 1, 4][field];
    let text = &mut fields[index];
    let unused = if text.len() % 4 == 2 { bits & 0x0f } else { bits & 0x03 };
    prop_assume!(unused != 0);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = alphabet.iter().position(|&c| c == *text.as_bytes().last().unwrap()).unwrap();
    text.pop();
    text.push(char::from(alphabet[last | usize::from(unused)]));
    let forged = fields.join(".");
    prop_assert_ne!(&forged, &cookie);
    let decoded = codec.decode(forged.as_bytes(), T0);
    prop_assert_eq!(decoded.json.as_deref(), Some(json));
  }

  #[test]
  fn arbitrary_bytes_are_refused_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
    let codec = secret_codec("session", &["a property test secret, long enough"]);
    prop_assert_eq!(codec.decode(&bytes, T0).status, DecodeStatus::Invalid);
    let status = codec.decode_from_header(&bytes, T0).status;
    prop_assert!(status == DecodeStatus::Invalid || status == DecodeStatus::Absent);
  }

  #[test]
  fn cookie_shaped_input_is_refused(
    iv in "[A-Za-z0-9_-]{0,30}",
    ct in "[A-Za-z0-9_-]{0,90}",
    created in "-?[0-9]{0,22}",
    duration in "-?[0-9]{0,22}",
    tag in "[A-Za-z0-9_=+/-]{0,70}",
  ) {
    let codec = secret_codec("session", &["a property test secret, long enough"]);
    let value = format!("{iv}.{ct}.{created}.{duration}.{tag}");
    prop_assert_eq!(codec.decode(value.as_bytes(), T0).status, DecodeStatus::Invalid);
  }

  #[test]
  fn never_decodes_under_another_name_or_key(
    name_a in "[A-Za-z0-9_-]{1,12}",
    name_b in "[A-Za-z0-9_-]{1,12}",
    secret_a in ".{1,40}",
    secret_b in ".{1,40}",
  ) {
    prop_assume!(name_a != name_b && secret_a != secret_b);
    let cookie = secret_codec(&name_a, &[&secret_a]).encode(r#"{"admin":true}"#, T0, DAY).unwrap();
    prop_assert_eq!(
      secret_codec(&name_b, &[&secret_a]).decode(cookie.as_bytes(), T0).reason,
      Some(InvalidReason::WrongName)
    );
    prop_assert_eq!(
      secret_codec(&name_a, &[&secret_b]).decode(cookie.as_bytes(), T0).reason,
      Some(InvalidReason::BadMac)
    );
  }
}

#[test]
fn huge_inputs_are_refused_up_front() {
  let codec = secret_codec("session", &["a property test secret, long enough"]);
  for value in [
    vec![b'A'; 1 << 20],
    vec![b'.'; 1 << 20],
    vec![0xff; 1 << 20],
  ] {
    assert_eq!(
      codec.decode(&value, T0).reason,
      Some(InvalidReason::TooLarge)
    );
  }
  let mut header = b"session=".to_vec();
  header.extend(std::iter::repeat_n(b'.', 1 << 20));
  assert_eq!(
    codec.decode_from_header(&header, T0).reason,
    Some(InvalidReason::TooLarge)
  );
}
