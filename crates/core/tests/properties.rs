//! Property tests (proptest): any content round-trips, any single-byte change is refused (unless
//! it only touches bits Node's base64 decoder ignores, in format 1; format 2 has no exception),
//! any input is handled without panicking, and a cookie never decodes under another name or key.
//! Format 2 also: any split into chunk cookies joins back.

mod common;

use client_sessions_core::{Codec, DecodeStatus, InvalidReason};
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

fn format2() -> Codec {
  format2_secret_codec("session", &["a property test secret, long enough"])
}

proptest! {
  #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

  #[test]
  fn format2_any_text_round_trips(
    json in ".{0,300}",
    issued_at in 0u64..(1 << 45),
    age in 0u64..(1 << 40),
    duration in 0u64..(1 << 40),
    chunks in 1u8..=4,
  ) {
    let codec = format2();
    let created_at = issued_at + age;
    let value = codec.encode_issued(&json, created_at, duration, issued_at, chunks).unwrap();
    prop_assert_eq!(value.len(), (4 * (62 + json.len())).div_ceil(3));
    let decoded = codec.decode(value.as_bytes(), created_at);
    prop_assert_eq!(decoded.status, DecodeStatus::Valid);
    prop_assert_eq!(decoded.json.as_deref(), Some(json.as_str()));
    prop_assert_eq!(decoded.issued_at, issued_at);
    prop_assert_eq!((decoded.created_at, decoded.duration), (issued_at, age + duration));
    // A format 1 codec of the same secret reads it the same way.
    let format1 = secret_codec("session", &["a property test secret, long enough"]);
    prop_assert_eq!(format1.decode(value.as_bytes(), created_at), decoded);
  }

  #[test]
  fn format2_any_single_character_change_is_refused(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
    // No unused-bits leniency: every other string is refused.
    let codec = format2();
    let value = codec.encode(r#"{"user":"ada","admin":false}"#, T0, DAY).unwrap().into_bytes();
    let i = at.index(value.len());
    prop_assume!(value[i] != byte);
    let mut forged = value.clone();
    forged[i] = byte;
    let decoded = codec.decode(&forged, T0);
    prop_assert_eq!(decoded.status, DecodeStatus::Invalid);
    prop_assert_eq!(decoded.json, None);
  }

  #[test]
  fn format2_any_byte_change_of_the_bytes_is_refused(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
    let codec = format2();
    let bytes = unb64(&codec.encode(r#"{"n":1}"#, T0, DAY).unwrap());
    let i = at.index(bytes.len());
    prop_assume!(bytes[i] != byte);
    let mut forged = bytes.clone();
    forged[i] = byte;
    let decoded = codec.decode(b64(&forged).as_bytes(), T0);
    prop_assert_eq!(decoded.status, DecodeStatus::Invalid);
  }

  #[test]
  fn format2_arbitrary_text_is_refused(text in "[A-Za-z0-9_-]{0,400}", header in ".{0,200}") {
    let codec = format2();
    prop_assert_eq!(codec.decode(text.as_bytes(), T0).status, DecodeStatus::Invalid);
    let header = format!("{header}; session={text}; session.1={text}; session.2={text}");
    let decoded = codec.decode_from_header(header.as_bytes(), T0);
    prop_assert!(decoded.status == DecodeStatus::Invalid || decoded.status == DecodeStatus::Absent);
  }

  #[test]
  fn format2_any_split_joins_back(json in ".{0,600}", chunks in 2u8..=4, cuts in prop::collection::vec(any::<prop::sample::Index>(), 3)) {
    let codec = format2();
    let value = codec.encode_issued(&json, T0, DAY, T0, chunks).unwrap();
    let mut at: Vec<usize> = cuts[..usize::from(chunks) - 1].iter().map(|c| c.index(value.len() + 1)).collect();
    at.sort_unstable();
    let mut bounds = vec![0];
    bounds.extend(at);
    bounds.push(value.len());
    let header = bounds
      .windows(2)
      .enumerate()
      .map(|(k, w)| {
        let piece = &value[w[0]..w[1]];
        if k == 0 { format!("session={piece}") } else { format!("session.{k}={piece}") }
      })
      .rev()
      .collect::<Vec<_>>()
      .join("; ");
    let decoded = codec.decode_from_header(header.as_bytes(), T0);
    // A piece 0 shorter than four characters does not say how many pieces there are.
    if bounds[1] >= 4 {
      prop_assert_eq!(decoded.json.as_deref(), Some(json.as_str()));
      prop_assert_eq!(decoded.chunk_cookies, (1u8 << (chunks - 1)) - 1);
    } else {
      prop_assert_eq!(decoded.status, DecodeStatus::Invalid);
    }
  }

  #[test]
  fn format2_never_decodes_under_another_name_or_key(
    name_a in "[A-Za-z0-9_.-]{1,12}",
    name_b in "[A-Za-z0-9_.-]{1,12}",
    secret_a in ".{1,40}",
    secret_b in ".{1,40}",
  ) {
    prop_assume!(name_a != name_b && secret_a != secret_b);
    let value = format2_secret_codec(&name_a, &[&secret_a]).encode(r#"{"admin":true}"#, T0, DAY).unwrap();
    prop_assert_eq!(
      format2_secret_codec(&name_b, &[&secret_a]).decode(value.as_bytes(), T0).reason,
      Some(InvalidReason::BadMac)
    );
    prop_assert_eq!(
      format2_secret_codec(&name_a, &[&secret_b]).decode(value.as_bytes(), T0).reason,
      Some(InvalidReason::UnknownKey)
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
