//! Cookies made by the original client-sessions@0.8.0 (`__test__/fixtures`), shared with vitest.

mod common;

use client_sessions_core::{
  derive_keys, Codec, CodecConfig, CookieFormat, DecodeStatus, EncryptionAlgorithm, KeyMaterial,
  SignatureAlgorithm,
};
use serde_json::Value;

fn hex(text: &str) -> Vec<u8> {
  (0..text.len())
    .step_by(2)
    .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
    .collect()
}

fn vectors() -> Vec<Value> {
  let path = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../__test__/fixtures/client-sessions-0.8.json"
  );
  let text = std::fs::read_to_string(path).expect("fixture file");
  let file: Value = serde_json::from_str(&text).unwrap();
  file["vectors"].as_array().unwrap().clone()
}

fn codec_for(v: &Value) -> Codec {
  let keys = match v["secret"].as_str() {
    Some(secret) => derive_keys(secret.as_bytes()),
    None => KeyMaterial::from_raw(
      hex(v["encryptionKey"].as_str().unwrap()),
      hex(v["signatureKey"].as_str().unwrap()),
    ),
  };
  Codec::new(CodecConfig {
    cookie_name: v["cookieName"].as_str().unwrap().to_owned(),
    encryption: EncryptionAlgorithm::parse(v["encryptionAlgorithm"].as_str().unwrap()).unwrap(),
    signature: SignatureAlgorithm::parse(v["signatureAlgorithm"].as_str().unwrap()).unwrap(),
    keys: vec![keys],
    active_duration: 0,
    format: CookieFormat::V1,
    absolute_duration: 0,
  })
  .unwrap()
}

#[test]
fn every_golden_cookie_decodes_to_its_json() {
  let vectors = vectors();
  assert!(
    vectors.len() >= 25,
    "fixture holds {} vectors",
    vectors.len()
  );
  for v in &vectors {
    let codec = codec_for(v);
    let created_at = v["createdAt"].as_u64().unwrap();
    let decoded = codec.decode(v["cookie"].as_str().unwrap().as_bytes(), created_at + 1000);
    assert_eq!(decoded.status, DecodeStatus::Valid, "{}", v["name"]);
    assert_eq!(decoded.json.as_deref(), v["json"].as_str(), "{}", v["name"]);
    assert_eq!(decoded.created_at, created_at);
    assert_eq!(decoded.duration, v["duration"].as_u64().unwrap());
  }
}

#[test]
fn golden_cookies_expire_at_their_deadline() {
  for v in vectors() {
    let codec = codec_for(&v);
    let deadline = v["createdAt"].as_u64().unwrap() + v["duration"].as_u64().unwrap();
    let cookie = v["cookie"].as_str().unwrap().as_bytes();
    assert_eq!(codec.decode(cookie, deadline).status, DecodeStatus::Valid);
    assert_eq!(
      codec.decode(cookie, deadline + 1).status,
      DecodeStatus::Expired
    );
  }
}

#[test]
fn golden_cookies_re_encode_to_what_the_original_decodes_the_same_way() {
  // Re-encoding with the original's IV must give the original cookie byte for byte.
  use base64::Engine;
  for v in vectors() {
    let codec = codec_for(&v);
    let cookie = v["cookie"].as_str().unwrap();
    let iv_text = cookie.split('.').next().unwrap();
    let iv: [u8; 16] = base64::engine::general_purpose::URL_SAFE_NO_PAD
      .decode(iv_text)
      .unwrap()
      .try_into()
      .unwrap();
    let again = codec
      .encode_with_iv(
        v["json"].as_str().unwrap(),
        v["createdAt"].as_u64().unwrap(),
        v["duration"].as_u64().unwrap(),
        &iv,
        0,
        1,
      )
      .unwrap();
    assert_eq!(again, cookie, "{}", v["name"]);
  }
}

/// The cookie client-sessions' own test suite records, whose MAC ends in a character with unused
/// bits set, and other spellings of it (`__test__/fixtures/client-sessions-suite-cookie.json`).
#[test]
fn unused_bits_of_a_last_character_are_ignored_and_nothing_else_is_lenient() {
  let path = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../__test__/fixtures/client-sessions-suite-cookie.json"
  );
  let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
  let codec = Codec::new(CodecConfig {
    cookie_name: file["cookieName"].as_str().unwrap().to_owned(),
    encryption: EncryptionAlgorithm::Aes256,
    signature: SignatureAlgorithm::Sha256,
    keys: vec![derive_keys(file["secret"].as_str().unwrap().as_bytes())],
    active_duration: 0,
    format: CookieFormat::V1,
    absolute_duration: 0,
  })
  .unwrap();
  let now = file["createdAt"].as_u64().unwrap();
  let accepted = file["accepted"].as_array().unwrap();
  let refused = file["refused"].as_array().unwrap();
  assert!(accepted.len() >= 4 && refused.len() >= 8);
  for v in accepted {
    let decoded = codec.decode(v["cookie"].as_str().unwrap().as_bytes(), now);
    assert_eq!(decoded.status, DecodeStatus::Valid, "{}", v["name"]);
    assert_eq!(
      decoded.json.as_deref(),
      file["json"].as_str(),
      "{}",
      v["name"]
    );
  }
  for v in refused {
    let decoded = codec.decode(v["cookie"].as_str().unwrap().as_bytes(), now);
    assert_eq!(decoded.status, DecodeStatus::Invalid, "{}", v["name"]);
  }
}
