//! Format 2 (SECURITY.md, "Format 2: the specification"): the bytes, the keys and key ids, the
//! reading order, expiry with an absolute duration, both formats read by every codec, chunking.

mod common;

use client_sessions_core::{
  derive_keys, Codec, ConfigError, CookieFormat, DecodeStatus, Decoded, EncodeError, InvalidReason,
  KeyMaterial, MAX_COOKIE_VALUE_LEN, MAX_TIMESTAMP,
};
use common::*;

const JSON: &str = r#"{"user":"ada","admin":false}"#;
const NONCE: [u8; 24] = [9; 24];

fn secret_key() -> KeyMaterial {
  derive_keys(b"a format 2 secret, long enough to be real")
}

fn codec() -> Codec {
  format2_codec("session", vec![secret_key()])
}

fn valid(decoded: &Decoded) -> &str {
  assert_eq!(decoded.status, DecodeStatus::Valid, "{decoded:?}");
  decoded.json.as_deref().unwrap()
}

fn reason(decoded: Decoded) -> InvalidReason {
  assert_eq!(decoded.status, DecodeStatus::Invalid, "{decoded:?}");
  assert_eq!(decoded.json, None);
  decoded.reason.unwrap()
}

/// A format 2 value with the header bytes and timestamps given, sealed with the test's key.
#[allow(clippy::too_many_arguments)]
fn forged(
  version: u8,
  chunks: u8,
  name: &str,
  issued_at: u64,
  expires_at: u64,
  json: &[u8],
) -> String {
  let ikm = b"a format 2 secret, long enough to be real";
  let key = spec::encryption_key(ikm);
  let kid = spec::key_id(ikm, None);
  b64(
    &spec::seal_raw(
      &key,
      version,
      chunks,
      kid,
      NONCE,
      name.as_bytes(),
      issued_at,
      expires_at,
      json,
    )
    .bytes,
  )
}

#[test]
fn round_trips_with_the_layout_of_the_specification() {
  let codec = codec();
  assert_eq!(codec.format(), CookieFormat::V2);
  let value = codec
    .encode_with_iv(JSON, T0, DAY, &NONCE, T0 - 5, 1)
    .unwrap();
  assert!(!value.contains('.'), "no '.' in a format 2 value");
  assert_eq!(value.len(), (4 * (62 + JSON.len())).div_ceil(3));
  let bytes = unb64(&value);
  assert_eq!(bytes.len(), 62 + JSON.len());
  assert_eq!(bytes[0], 2);
  assert_eq!(bytes[1], 1);
  assert_eq!(bytes[2..6], codec.key_id(0).unwrap());
  assert_eq!(bytes[6..30], NONCE);
  // The same bytes as an independent sealer makes from SECURITY.md's text.
  let again = forged(2, 1, "session", T0 - 5, T0 + DAY, JSON.as_bytes());
  assert_eq!(value, again);

  let decoded = codec.decode(value.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.format, Some(CookieFormat::V2));
  assert_eq!(decoded.issued_at, T0 - 5);
  assert_eq!(decoded.created_at, T0 - 5, "createdAt is issuedAt");
  assert_eq!(decoded.duration, DAY + 5, "duration runs to expiresAt");
  assert_eq!(decoded.key_index, 0);
  assert_eq!(decoded.chunk_cookies, 0);
  assert!(!decoded.refresh);

  // Random nonces: two encodes differ, and both decode.
  let a = codec.encode(JSON, T0, DAY).unwrap();
  let b = codec.encode(JSON, T0, DAY).unwrap();
  assert_ne!(a, b);
  assert_ne!(unb64(&a)[6..30], unb64(&b)[6..30]);
  for value in [a, b] {
    let decoded = codec.decode(value.as_bytes(), T0);
    assert_eq!(valid(&decoded), JSON);
    assert_eq!(decoded.issued_at, T0, "issuedAt defaults to createdAt");
    assert_eq!(decoded.duration, DAY);
  }
}

#[test]
fn any_content_round_trips_including_empty_and_non_ascii() {
  let codec = codec();
  for json in [
    "",
    "{}",
    r#"{"name":"Zoë","city":"Zürich","emoji":"🍪","cjk":"会话"}"#,
    &format!(r#"{{"blob":"{}"}}"#, "x".repeat(3000)),
  ] {
    let value = codec.encode(json, T0, DAY).unwrap();
    assert_eq!(valid(&codec.decode(value.as_bytes(), T0)), json);
  }
}

#[test]
fn every_single_byte_change_is_refused() {
  let codec = codec();
  let value = codec
    .encode_with_iv(r#"{"a":1}"#, T0, DAY, &NONCE, T0, 1)
    .unwrap();
  let bytes = unb64(&value);
  for i in 0..bytes.len() {
    for delta in 1..=255u8 {
      let mut changed = bytes.clone();
      changed[i] = changed[i].wrapping_add(delta);
      let decoded = codec.decode(b64(&changed).as_bytes(), T0);
      assert_eq!(decoded.status, DecodeStatus::Invalid, "byte {i} + {delta}");
      let expected = match i {
        0 => InvalidReason::UnknownFormat,
        1 if !(1..=4).contains(&changed[1]) => InvalidReason::Malformed,
        2..=5 => InvalidReason::UnknownKey,
        _ => InvalidReason::BadMac,
      };
      assert_eq!(decoded.reason, Some(expected), "byte {i} + {delta}");
    }
  }
  // Dropping or adding a byte anywhere is refused too.
  for i in 0..bytes.len() {
    let mut shorter = bytes.clone();
    shorter.remove(i);
    assert_eq!(
      codec.decode(b64(&shorter).as_bytes(), T0).status,
      DecodeStatus::Invalid
    );
    let mut longer = bytes.clone();
    longer.insert(i, 0);
    assert_eq!(
      codec.decode(b64(&longer).as_bytes(), T0).status,
      DecodeStatus::Invalid
    );
  }
}

#[test]
fn every_single_character_change_is_refused_even_in_unused_bits() {
  // Strict base64url: unlike format 1, no other spelling of the same bytes is accepted.
  let codec = codec();
  let value = codec.encode(r#"{"ab":1}"#, T0, DAY).unwrap();
  assert_ne!(value.len() % 4, 0, "the last character has unused bits");
  let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. \"";
  let original = value.as_bytes();
  for i in 0..original.len() {
    for &c in alphabet.iter() {
      if c == original[i] {
        continue;
      }
      let mut changed = original.to_vec();
      changed[i] = c;
      let decoded = codec.decode(&changed, T0);
      assert_eq!(
        decoded.status,
        DecodeStatus::Invalid,
        "{} at {i}",
        char::from(c)
      );
    }
  }
  for cut in 0..original.len() {
    assert_eq!(
      codec.decode(&original[..cut], T0).status,
      DecodeStatus::Invalid
    );
  }
  let mut padded = original.to_vec();
  padded.push(b'=');
  assert_eq!(reason(codec.decode(&padded, T0)), InvalidReason::Malformed);
}

#[test]
fn a_value_sealed_for_another_cookie_name_is_refused() {
  let cart = format2_codec("cart", vec![secret_key()]);
  let auth = format2_codec("auth", vec![secret_key()]);
  let value = cart.encode(r#"{"items":[]}"#, T0, DAY).unwrap();
  assert_eq!(
    reason(auth.decode(value.as_bytes(), T0)),
    InvalidReason::BadMac
  );
  // A prefix or an extension of the name is another name.
  for name in ["car", "cartx", "Cart", "cart.1", "cart "] {
    let other = format2_codec(name, vec![secret_key()]);
    assert_eq!(
      reason(other.decode(value.as_bytes(), T0)),
      InvalidReason::BadMac,
      "{name}"
    );
  }
}

#[test]
fn a_value_sealed_with_another_key_has_an_unknown_key_id() {
  let value = codec().encode(JSON, T0, DAY).unwrap();
  let other = format2_secret_codec("session", &["another secret, also long enough"]);
  assert_eq!(
    reason(other.decode(value.as_bytes(), T0)),
    InvalidReason::UnknownKey
  );
  // With the same named id but another key, the id matches and the tag does not.
  let named = format2_codec("session", vec![secret_key().with_id("2026-12")]);
  let impostor = format2_codec(
    "session",
    vec![derive_keys(b"another secret, also long enough").with_id("2026-12")],
  );
  let value = named.encode(JSON, T0, DAY).unwrap();
  assert_eq!(
    reason(impostor.decode(value.as_bytes(), T0)),
    InvalidReason::BadMac
  );
}

#[test]
fn only_the_key_set_with_the_id_is_tried_and_its_index_reported() {
  let old = derive_keys(b"the old secret, long enough");
  let new = derive_keys(b"the new secret, long enough");
  let before = format2_codec("session", vec![old]);
  let after = format2_codec(
    "session",
    vec![new, derive_keys(b"the old secret, long enough")],
  );
  let value = before.encode(JSON, T0, DAY).unwrap();
  let decoded = after.decode(value.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.key_index, 1);
  assert_eq!(unb64(&value)[2..6], after.key_id(1).unwrap());
  // The newest key set writes.
  let fresh = after.encode(JSON, T0, DAY).unwrap();
  assert_eq!(unb64(&fresh)[2..6], after.key_id(0).unwrap());
  assert_eq!(after.decode(fresh.as_bytes(), T0).key_index, 0);
}

#[test]
fn named_and_derived_key_ids() {
  let derived = codec();
  let ikm = b"a format 2 secret, long enough to be real";
  assert_eq!(derived.key_id(0), Some(spec::key_id(ikm, None)));
  let named = format2_codec("session", vec![secret_key().with_id("2026-12")]);
  assert_eq!(named.key_id(0), Some(spec::key_id(ikm, Some("2026-12"))));
  assert_ne!(named.key_id(0), derived.key_id(0));
  // A named id depends on the name only; the key is the same either way.
  let raw = format2_codec(
    "session",
    vec![KeyMaterial::from_raw(vec![1; 32], vec![2; 32]).with_id("2026-12")],
  );
  assert_eq!(raw.key_id(0), named.key_id(0));
  assert_eq!(derived.key_id(1), None);
  // The id changes the key id only, not the key: a value re-labelled with the derived id still
  // fails, since the key id is under the tag.
  let value = named.encode_with_iv(JSON, T0, DAY, &NONCE, T0, 1).unwrap();
  let mut bytes = unb64(&value);
  bytes[2..6].copy_from_slice(&derived.key_id(0).unwrap());
  assert_eq!(
    reason(derived.decode(b64(&bytes).as_bytes(), T0)),
    InvalidReason::BadMac
  );
}

#[test]
fn raw_keys_derive_from_both_keys_and_a_secret_wins_over_raw_keys() {
  let enc = vec![0x11; 32];
  let sig = vec![0x22; 64];
  let raw = format2_codec(
    "session",
    vec![KeyMaterial::from_raw(enc.clone(), sig.clone())],
  );
  let ikm = [enc.clone(), sig.clone()].concat();
  assert_eq!(raw.key_id(0), Some(spec::key_id(&ikm, None)));
  let value = raw.encode_with_iv("{}", T0, DAY, &NONCE, T0, 1).unwrap();
  let expected = spec::seal_raw(
    &spec::encryption_key(&ikm),
    2,
    1,
    spec::key_id(&ikm, None),
    NONCE,
    b"session",
    T0,
    T0 + DAY,
    b"{}",
  );
  assert_eq!(value, b64(&expected.bytes));
  // Raw keys beside a secret: format 1 uses the raw keys, format 2 the secret.
  let mixed = KeyMaterial {
    secret: Some(b"the secret".to_vec().into()),
    ..KeyMaterial::from_raw(enc, sig)
  };
  let mixed = format2_codec("session", vec![mixed]);
  assert_eq!(mixed.key_id(0), Some(spec::key_id(b"the secret", None)));
  assert_eq!(
    mixed.key_id(0),
    format2_secret_codec("session", &["the secret"]).key_id(0)
  );
}

#[test]
fn key_id_collisions_are_refused_by_format_2_codecs_only() {
  let same_secret = vec![secret_key(), derive_keys(b"another"), secret_key()];
  let err = Codec::new(config("session", same_secret, CookieFormat::V2)).unwrap_err();
  assert_eq!(
    err,
    ConfigError::KeyIdCollision {
      first: 0,
      second: 2
    }
  );
  assert_eq!(err.code(), "ERR_CLIENT_SESSIONS_KEY_ID");
  assert_eq!(
    err.to_string(),
    "keys[0] and keys[2] have the same key id: give one of them an id (format 2 picks the key by \
     it)"
  );
  let same_id = vec![
    derive_keys(b"one").with_id("x"),
    derive_keys(b"two").with_id("x"),
  ];
  assert_eq!(
    Codec::new(config("session", same_id, CookieFormat::V2)).unwrap_err(),
    ConfigError::KeyIdCollision {
      first: 0,
      second: 1
    }
  );
  // Giving one of them an id resolves it.
  let resolved = vec![secret_key(), secret_key().with_id("second")];
  assert!(Codec::new(config("session", resolved, CookieFormat::V2)).is_ok());

  // A format 1 codec tolerates it; reading format 2, the first key set with the id is tried.
  let tolerant = Codec::new(config(
    "session",
    vec![
      derive_keys(b"one").with_id("x"),
      derive_keys(b"two").with_id("x"),
    ],
    CookieFormat::V1,
  ))
  .unwrap();
  let first = format2_codec("session", vec![derive_keys(b"one").with_id("x")]);
  let second = format2_codec("session", vec![derive_keys(b"two").with_id("x")]);
  let from_first = first.encode(JSON, T0, DAY).unwrap();
  let decoded = tolerant.decode(from_first.as_bytes(), T0);
  assert_eq!((valid(&decoded), decoded.key_index), (JSON, 0));
  let from_second = second.encode(JSON, T0, DAY).unwrap();
  assert_eq!(
    reason(tolerant.decode(from_second.as_bytes(), T0)),
    InvalidReason::BadMac
  );
}

#[test]
fn the_reading_order_of_the_specification() {
  let codec = codec();
  let now = T0;
  // 1. Length and syntax.
  let huge = "A".repeat(MAX_COOKIE_VALUE_LEN + 1);
  assert_eq!(
    reason(codec.decode(huge.as_bytes(), now)),
    InvalidReason::TooLarge
  );
  let short = b64(&[2, 1, 0, 0, 0, 0].repeat(11)[..61]);
  assert_eq!(
    reason(codec.decode(short.as_bytes(), now)),
    InvalidReason::Malformed,
    "61 bytes"
  );
  for bad in ["", "A", "AB=", "AB+C", "AB/C", "AB C", "ABC\u{e9}"] {
    assert_eq!(
      reason(codec.decode(bad.as_bytes(), now)),
      InvalidReason::Malformed,
      "{bad:?}"
    );
  }
  // 2. Version, then chunk count.
  for version in [0, 1, 3, 0xff] {
    let value = forged(version, 1, "session", T0, T0 + DAY, b"{}");
    assert_eq!(
      reason(codec.decode(value.as_bytes(), now)),
      InvalidReason::UnknownFormat
    );
  }
  for chunks in [0, 5, 0xff] {
    let value = forged(2, chunks, "session", T0, T0 + DAY, b"{}");
    assert_eq!(
      reason(codec.decode(value.as_bytes(), now)),
      InvalidReason::Malformed
    );
  }
  // An unknown version wins over a bad chunk count.
  let value = forged(3, 0, "session", T0, T0 + DAY, b"{}");
  assert_eq!(
    reason(codec.decode(value.as_bytes(), now)),
    InvalidReason::UnknownFormat
  );
  // 62 bytes (empty JSON) is the shortest value, and valid.
  let empty = forged(2, 1, "session", T0, T0 + DAY, b"");
  assert_eq!(unb64(&empty).len(), 62);
  assert_eq!(valid(&codec.decode(empty.as_bytes(), now)), "");
  // Any chunk count 1 to 4 is authentic as a whole value.
  for chunks in 1..=4 {
    let value = forged(2, chunks, "session", T0, T0 + DAY, b"{}");
    assert_eq!(valid(&codec.decode(value.as_bytes(), now)), "{}");
  }
  // 6. UTF-8, checked last: an expired session's bytes are never looked at.
  let latin1 = forged(2, 1, "session", T0, T0 + DAY, b"{\"a\":\"\xe9\"}");
  assert_eq!(
    reason(codec.decode(latin1.as_bytes(), now)),
    InvalidReason::NotUtf8
  );
  let expired = codec.decode(latin1.as_bytes(), T0 + DAY + 1);
  assert_eq!(expired.status, DecodeStatus::Expired);
}

#[test]
fn authentic_timestamps_out_of_order_or_range_are_malformed() {
  let codec = codec();
  for (issued, expires) in [
    (T0 + 1, T0),
    (MAX_TIMESTAMP + 1, MAX_TIMESTAMP + 2),
    (0, MAX_TIMESTAMP + 1),
    (0, u64::MAX),
  ] {
    let value = forged(2, 1, "session", issued, expires, b"{}");
    assert_eq!(
      reason(codec.decode(value.as_bytes(), T0)),
      InvalidReason::Malformed,
      "{issued} {expires}"
    );
  }
  let edge = forged(2, 1, "session", 0, MAX_TIMESTAMP, b"{}");
  let decoded = codec.decode(edge.as_bytes(), T0);
  assert_eq!(valid(&decoded), "{}");
  assert_eq!(decoded.duration, MAX_TIMESTAMP);
  let instant = forged(2, 1, "session", T0, T0, b"{}");
  assert_eq!(valid(&codec.decode(instant.as_bytes(), T0)), "{}");
}

#[test]
fn expiry_and_refresh() {
  let codec = codec();
  let value = codec.encode(JSON, T0, DAY).unwrap();
  let end = T0 + DAY;
  assert_eq!(valid(&codec.decode(value.as_bytes(), end)), JSON);
  let expired = codec.decode(value.as_bytes(), end + 1);
  assert_eq!(expired.status, DecodeStatus::Expired);
  assert_eq!(expired.json, None);
  assert_eq!(
    (expired.created_at, expired.duration, expired.issued_at),
    (T0, DAY, T0)
  );
  assert_eq!(expired.format, Some(CookieFormat::V2));
  assert!(!expired.refresh);
  assert!(!codec.decode(value.as_bytes(), end - ACTIVE).refresh);
  assert!(codec.decode(value.as_bytes(), end - ACTIVE + 1).refresh);
  assert!(codec.decode(value.as_bytes(), end).refresh);
}

fn absolute_codec(absolute: u64) -> Codec {
  let mut config = config("session", vec![secret_key()], CookieFormat::V2);
  config.absolute_duration = absolute;
  Codec::new(config).unwrap()
}

#[test]
fn an_absolute_duration_ends_the_session_however_active() {
  let codec = absolute_codec(7 * DAY);
  // Issued at T0, extended to T0 + 6.5 days.
  let value = codec
    .encode_issued(JSON, T0 + 6 * DAY, DAY / 2, T0, 1)
    .unwrap();
  let cap = T0 + 7 * DAY;
  let decoded = codec.decode(value.as_bytes(), T0 + 6 * DAY + DAY / 4);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.issued_at, T0);
  assert_eq!(decoded.created_at, T0);
  assert_eq!(decoded.duration, 6 * DAY + DAY / 2);
  // Beyond its own expiresAt (T0 + 6.5 days), it is expired as usual.
  assert_eq!(
    codec
      .decode(value.as_bytes(), T0 + 6 * DAY + DAY / 2 + 1)
      .status,
    DecodeStatus::Expired
  );
  // A value whose expiresAt is past the cap is expired at the cap.
  let long = codec
    .encode_issued(JSON, T0 + 6 * DAY, 30 * DAY, T0, 1)
    .unwrap();
  assert_eq!(valid(&codec.decode(long.as_bytes(), cap)), JSON);
  let expired = codec.decode(long.as_bytes(), cap + 1);
  assert_eq!(expired.status, DecodeStatus::Expired);
  assert_eq!(expired.issued_at, T0);
  // Without the absolute duration, the same value is valid.
  assert_eq!(valid(&self::codec().decode(long.as_bytes(), cap + 1)), JSON);
}

#[test]
fn no_refresh_at_the_absolute_cap() {
  let codec = absolute_codec(DAY);
  // expiresAt below the cap: refreshed near its end, as usual.
  let below = codec.encode_issued(JSON, T0, DAY / 2, T0, 1).unwrap();
  assert!(codec.decode(below.as_bytes(), T0 + DAY / 2).refresh);
  assert!(
    !codec
      .decode(below.as_bytes(), T0 + DAY / 2 - ACTIVE)
      .refresh
  );
  // expiresAt at the cap (or past it): nothing to extend to.
  let at_cap = codec.encode_issued(JSON, T0, DAY, T0, 1).unwrap();
  let decoded = codec.decode(at_cap.as_bytes(), T0 + DAY);
  assert_eq!(valid(&decoded), JSON);
  assert!(!decoded.refresh);
  let past_cap = codec.encode_issued(JSON, T0, 2 * DAY, T0, 1).unwrap();
  assert!(!codec.decode(past_cap.as_bytes(), T0 + DAY).refresh);
  // One millisecond below the cap can still be extended (to the cap).
  let just_below = codec.encode_issued(JSON, T0, DAY - 1, T0, 1).unwrap();
  assert!(codec.decode(just_below.as_bytes(), T0 + DAY - 1).refresh);
}

#[test]
fn an_absolute_duration_applies_to_format_1_cookies_from_their_created_at() {
  let format1 = secret_codec("session", &["a format 2 secret, long enough to be real"]);
  let codec = absolute_codec(DAY);
  let value = format1.encode(JSON, T0, 2 * DAY).unwrap();
  let decoded = codec.decode(value.as_bytes(), T0 + DAY);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.format, Some(CookieFormat::V1));
  assert_eq!(decoded.issued_at, T0);
  assert!(!decoded.refresh, "expiresAt is past the cap");
  let expired = codec.decode(value.as_bytes(), T0 + DAY + 1);
  assert_eq!(expired.status, DecodeStatus::Expired);
  assert_eq!(
    (expired.created_at, expired.duration, expired.issued_at),
    (T0, 2 * DAY, T0)
  );
}

#[test]
fn every_codec_reads_both_formats() {
  let format1 = secret_codec("session", &["a format 2 secret, long enough to be real"]);
  let format2 = codec();
  assert_eq!(format1.format(), CookieFormat::V1);
  let old = format1.encode(JSON, T0, DAY).unwrap();
  assert_eq!(old.matches('.').count(), 4);
  let new = format2.encode_issued(JSON, T0, DAY, T0 - 9, 1).unwrap();

  let decoded = format2.decode(old.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.format, Some(CookieFormat::V1));
  assert_eq!(
    (decoded.created_at, decoded.duration, decoded.issued_at),
    (T0, DAY, T0)
  );

  let decoded = format1.decode(new.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.format, Some(CookieFormat::V2));
  assert_eq!(decoded.issued_at, T0 - 9);
  assert_eq!(decoded.key_index, 0);

  // With rotation, across formats.
  let rotated = secret_codec(
    "session",
    &["newer", "a format 2 secret, long enough to be real"],
  );
  assert_eq!(rotated.decode(new.as_bytes(), T0).key_index, 1);
  // Raw keys read both formats as well.
  let raw = KeyMaterial::from_raw(vec![5; 32], vec![6; 32]);
  let raw2 = format2_codec("session", vec![raw]);
  let raw1 = codec_with(
    "session",
    client_sessions_core::EncryptionAlgorithm::Aes256,
    client_sessions_core::SignatureAlgorithm::Sha256,
    vec![KeyMaterial::from_raw(vec![5; 32], vec![6; 32])],
  );
  let value = raw2.encode(JSON, T0, DAY).unwrap();
  assert_eq!(valid(&raw1.decode(value.as_bytes(), T0)), JSON);
  let value = raw1.encode(JSON, T0, DAY).unwrap();
  assert_eq!(valid(&raw2.decode(value.as_bytes(), T0)), JSON);
}

#[test]
fn encode_refuses_what_cannot_be_sealed() {
  let codec = codec();
  let error = |created: u64, duration: u64, issued: u64, chunks: u8| {
    codec
      .encode_issued(JSON, created, duration, issued, chunks)
      .unwrap_err()
  };
  assert_eq!(
    error(MAX_TIMESTAMP + 1, 0, 0, 1),
    EncodeError::TimestampOutOfRange
  );
  assert_eq!(
    error(0, 0, MAX_TIMESTAMP + 1, 1),
    EncodeError::TimestampOutOfRange
  );
  assert_eq!(error(MAX_TIMESTAMP, 1, 0, 1), EncodeError::ExpiryOutOfRange);
  assert!(codec
    .encode_issued(JSON, MAX_TIMESTAMP - 1, 1, 0, 1)
    .is_ok());
  assert_eq!(
    error(T0, DAY, T0 + DAY + 1, 1),
    EncodeError::IssuedAfterExpiry
  );
  assert!(codec.encode_issued(JSON, T0, DAY, T0 + DAY, 1).is_ok());
  for chunks in [0, 5, 255] {
    let err = error(T0, DAY, T0, chunks);
    assert_eq!(
      err,
      EncodeError::ChunkCount {
        format: CookieFormat::V2
      }
    );
    assert_eq!(err.code(), "ERR_CLIENT_SESSIONS_ARGUMENT");
  }
  for iv in [&[0u8; 16][..], &[0; 23], &[0; 25], &[]] {
    let err = codec.encode_with_iv(JSON, T0, DAY, iv, T0, 1).unwrap_err();
    assert_eq!(err.code(), "ERR_CLIENT_SESSIONS_IV");
    assert_eq!(
      err.to_string(),
      format!(
        "iv must be exactly 24 bytes (format 2's nonce), got {}",
        iv.len()
      )
    );
  }

  // Format 1 ignores issuedAt, takes one chunk only, and a 16-byte IV.
  let format1 = secret_codec("session", &["secret"]);
  assert!(format1.encode_issued(JSON, T0, DAY, u64::MAX, 1).is_ok());
  let iv = [1u8; 16];
  assert_eq!(
    format1.encode_with_iv(JSON, T0, DAY, &iv, u64::MAX, 1),
    format1.encode_with_iv(JSON, T0, DAY, &iv, T0, 1)
  );
  for chunks in [0, 2, 4] {
    let err = format1
      .encode_issued(JSON, T0, DAY, T0, chunks)
      .unwrap_err();
    assert_eq!(
      err,
      EncodeError::ChunkCount {
        format: CookieFormat::V1
      }
    );
    assert_eq!(
      err.to_string(),
      "format 1 cookies are never split: chunks must be 1"
    );
  }
  let err = format1
    .encode_with_iv(JSON, T0, DAY, &NONCE, T0, 1)
    .unwrap_err();
  assert_eq!(err.code(), "ERR_CLIENT_SESSIONS_IV");
  assert_eq!(
    err.to_string(),
    "iv must be exactly 16 bytes (format 1's IV), got 24"
  );
}

/// Splits a value into `n` pieces as the middleware would (any cut points will do).
fn pieces(value: &str, n: usize) -> Vec<String> {
  let size = value.len().div_ceil(n);
  (0..n)
    .map(|i| value[(i * size).min(value.len())..((i + 1) * size).min(value.len())].to_owned())
    .collect()
}

fn chunked_header(value: &str, n: usize) -> String {
  pieces(value, n)
    .iter()
    .enumerate()
    .map(|(i, piece)| match i {
      0 => format!("session={piece}"),
      _ => format!("session.{i}={piece}"),
    })
    .collect::<Vec<_>>()
    .join("; ")
}

#[test]
fn a_chunked_value_is_joined_from_the_header() {
  let codec = codec();
  let json = format!(r#"{{"blob":"{}"}}"#, "y".repeat(9000));
  for n in 1..=4u8 {
    let value = codec.encode_issued(&json, T0, DAY, T0, n).unwrap();
    assert_eq!(unb64(&value)[1], n);
    let header = format!("theme=dark; {}; other=1", chunked_header(&value, n.into()));
    let decoded = codec.decode_from_header(header.as_bytes(), T0);
    assert_eq!(valid(&decoded), json, "{n} chunks");
    assert_eq!(decoded.chunk_cookies, (1u8 << (n - 1)) - 1, "{n} chunks");
    // The joined value decodes on its own too.
    assert_eq!(valid(&codec.decode(value.as_bytes(), T0)), json);
  }
  // The pieces may come in any order, with blanks and quotes, among other cookies.
  let value = codec.encode_issued(&json, T0, DAY, T0, 3).unwrap();
  let p = pieces(&value, 3);
  let header = format!(
    "session.2=\"{}\"; a=1; session = {} ;session.1={}",
    p[2], p[0], p[1]
  );
  assert_eq!(
    valid(&codec.decode_from_header(header.as_bytes(), T0)),
    json
  );
}

#[test]
fn a_missing_chunk_is_reported() {
  let codec = codec();
  let value = codec.encode_issued("{}", T0, DAY, T0, 3).unwrap();
  let p = pieces(&value, 3);
  let header = format!("session={}; session.2={}", p[0], p[2]);
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.reason, Some(InvalidReason::MissingChunk));
  assert_eq!(decoded.chunk_cookies, 0b010);
  let header = format!("session={}; session.1={}", p[0], p[1]);
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.reason, Some(InvalidReason::MissingChunk));
  assert_eq!(decoded.chunk_cookies, 0b001);
  // An empty chunk is there, and fails verification.
  let header = format!("session={}; session.1=; session.2={}", p[0], p[2]);
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.status, DecodeStatus::Invalid);
  assert_ne!(decoded.reason, Some(InvalidReason::MissingChunk));
}

#[test]
fn stale_chunks_beyond_the_count_are_ignored_and_reported() {
  let codec = codec();
  let big = codec
    .encode_issued(&"z".repeat(5000), T0 - 1, DAY, T0 - 1, 4)
    .unwrap();
  let small = codec.encode(JSON, T0, DAY).unwrap();
  let stale = pieces(&big, 4);
  let header = format!(
    "session={small}; session.1={}; session.2={}; session.3={}",
    stale[1], stale[2], stale[3]
  );
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.chunk_cookies, 0b111);
  // Two pieces now, one stale third one.
  let two = codec.encode_issued(JSON, T0, DAY, T0, 2).unwrap();
  let p = pieces(&two, 2);
  let header = format!(
    "session={}; session.1={}; session.2={}",
    p[0], p[1], stale[2]
  );
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.chunk_cookies, 0b011);
}

#[test]
fn the_chunk_count_cannot_be_changed() {
  let codec = codec();
  let value = codec.encode_with_iv("{}", T0, DAY, &NONCE, T0, 3).unwrap();
  let p = pieces(&value, 3);
  // Claim fewer or more pieces: B[1] is under the tag.
  for n in [1u8, 2, 4] {
    let mut bytes = unb64(&value);
    bytes[1] = n;
    let changed = b64(&bytes);
    let q = pieces(&changed, 3);
    let header = format!(
      "session={}; session.1={}; session.2={}; session.3=extra",
      q[0], q[1], q[2]
    );
    let decoded = codec.decode_from_header(header.as_bytes(), T0);
    assert_eq!(decoded.status, DecodeStatus::Invalid, "n = {n}");
    assert_eq!(decoded.json, None);
  }
  // Dropping the last piece, or swapping pieces, fails as well.
  let header = format!("session={}{}; session.1={}", p[0], p[1], p[2]);
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.reason, Some(InvalidReason::MissingChunk));
  let header = format!("session={}; session.1={}; session.2={}", p[0], p[2], p[1]);
  assert_eq!(
    codec.decode_from_header(header.as_bytes(), T0).status,
    DecodeStatus::Invalid
  );
  // The first occurrence of a chunk cookie is the one joined.
  let header = format!(
    "session={}; session.1={}; session.2={}; session.1=x",
    p[0], p[1], p[2]
  );
  assert_eq!(
    valid(&codec.decode_from_header(header.as_bytes(), T0)),
    "{}"
  );
  let header = format!(
    "session={}; session.1=xy; session.1={}; session.2={}",
    p[0], p[1], p[2]
  );
  assert_eq!(
    codec.decode_from_header(header.as_bytes(), T0).status,
    DecodeStatus::Invalid
  );
}

#[test]
fn a_joined_value_is_format_2_and_bounded() {
  let codec = codec();
  // A `.` in a chunk does not make the joined value format 1.
  let value = codec.encode_issued("{}", T0, DAY, T0, 2).unwrap();
  let p = pieces(&value, 2);
  let header = format!("session={}; session.1=.{}", p[0], p[1]);
  assert_eq!(
    codec.decode_from_header(header.as_bytes(), T0).reason,
    Some(InvalidReason::Malformed)
  );
  // The 16 KiB limit applies to the joined value.
  let header = format!(
    "session={}; session.1={}",
    p[0],
    "A".repeat(MAX_COOKIE_VALUE_LEN - p[0].len() + 1)
  );
  assert_eq!(
    codec.decode_from_header(header.as_bytes(), T0).reason,
    Some(InvalidReason::TooLarge)
  );
  // A piece 0 too short or not base64url for a count is decoded alone.
  for first in ["Ag", "A", "Ag=A", "AgI=", "AgIAAA.."] {
    let header = format!("session={first}; session.1=AAAA");
    let decoded = codec.decode_from_header(header.as_bytes(), T0);
    assert_eq!(decoded.status, DecodeStatus::Invalid, "{first}");
    assert_ne!(decoded.reason, Some(InvalidReason::MissingChunk));
    assert_eq!(decoded.chunk_cookies, 1);
  }
}

#[test]
fn format_1_values_are_never_joined() {
  let format1 = secret_codec("session", &["a format 2 secret, long enough to be real"]);
  let codec = codec();
  let old = format1.encode(JSON, T0, DAY).unwrap();
  let header = format!("session={old}; session.1=AAAA; session.3=BBBB");
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.chunk_cookies, 0b101);
  let decoded = format1.decode_from_header(header.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.chunk_cookies, 0b101);
}

#[test]
fn chunk_cookies_are_reported_for_every_result() {
  let codec = codec();
  let cases = [
    ("session.1=a; session.2=b", DecodeStatus::Absent, 0b011),
    ("session.3=a", DecodeStatus::Absent, 0b100),
    ("session=garbage; session.2=x", DecodeStatus::Invalid, 0b010),
    (
      "session.12=x; session.0=y; session.4=z",
      DecodeStatus::Absent,
      0,
    ),
    ("session.1", DecodeStatus::Absent, 0),
    ("xsession.1=a", DecodeStatus::Absent, 0),
  ];
  for (header, status, mask) in cases {
    let decoded = codec.decode_from_header(header.as_bytes(), T0);
    assert_eq!(decoded.status, status, "{header}");
    assert_eq!(decoded.chunk_cookies, mask, "{header}");
  }
  let expired = codec.encode(JSON, T0 - 2 * DAY, DAY).unwrap();
  let header = format!("session.3=old; session={expired}");
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.status, DecodeStatus::Expired);
  assert_eq!(decoded.chunk_cookies, 0b100);
  // decode() of a value knows nothing of a header.
  assert_eq!(codec.decode(expired.as_bytes(), T0).chunk_cookies, 0);
}

#[test]
fn a_chunk_cookie_is_not_the_cookie() {
  let codec = codec();
  let value = codec.encode(JSON, T0, DAY).unwrap();
  // `session.1` holding a whole valid value is still not `session`.
  let header = format!("session.1={value}");
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.status, DecodeStatus::Absent);
  assert_eq!(decoded.chunk_cookies, 1);
  let header = format!("session.1={value}; session={value}");
  assert_eq!(
    valid(&codec.decode_from_header(header.as_bytes(), T0)),
    JSON
  );
  // A codec named `session.1` reads its own cookie, whose chunks are `session.1.k`.
  let named = format2_codec("session.1", vec![secret_key()]);
  let own = named.encode_issued("{}", T0, DAY, T0, 2).unwrap();
  let p = pieces(&own, 2);
  let header = format!("session={value}; session.1={}; session.1.1={}", p[0], p[1]);
  let decoded = named.decode_from_header(header.as_bytes(), T0);
  assert_eq!(valid(&decoded), "{}");
  assert_eq!(decoded.chunk_cookies, 1);
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.chunk_cookies, 1);
}

#[test]
fn the_first_valid_candidate_wins_with_chunks_too() {
  let codec = codec();
  let expired = codec.encode(r#"{"old":1}"#, T0 - 2 * DAY, DAY).unwrap();
  let good = codec.encode_issued(JSON, T0, DAY, T0, 2).unwrap();
  let p = pieces(&good, 2);
  let header = format!(
    "session={expired}; session=garbage; session={}; session.1={}",
    p[0], p[1]
  );
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.chunk_cookies, 1);
  // At most 8 candidates are tried.
  let mut header = "session=x; ".repeat(8);
  header.push_str(&format!("session={}; session.1={}", p[0], p[1]));
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(decoded.status, DecodeStatus::Invalid);
  assert_eq!(decoded.chunk_cookies, 1, "the mask sees the whole header");
}

#[test]
fn a_long_header_is_scanned_once() {
  // Many hits of the name that are not cookies of it: linear, and quick even unoptimised.
  let codec = codec();
  let value = codec.encode(JSON, T0, DAY).unwrap();
  let mut header = "sessionx=1; session.9=2; session.1x=3; ".repeat(20_000);
  header.push_str(&format!("session={value}; session.2=a"));
  let started = std::time::Instant::now();
  let decoded = codec.decode_from_header(header.as_bytes(), T0);
  assert_eq!(valid(&decoded), JSON);
  assert_eq!(decoded.chunk_cookies, 0b010);
  assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn debug_shows_the_format_and_no_key_material() {
  let codec = absolute_codec(DAY);
  let shown = format!("{codec:?}");
  assert!(shown.contains("V2") && shown.contains(&DAY.to_string()));
  assert!(!shown.contains("secret"));
}

// The boundaries cargo-mutants found unpinned (`>` against `>=` and `==`).

#[test]
fn timestamps_up_to_the_largest_exact_integer_are_valid_and_one_more_is_malformed() {
  let codec = codec();
  let at_max = forged(
    2,
    1,
    "session",
    MAX_TIMESTAMP,
    MAX_TIMESTAMP,
    JSON.as_bytes(),
  );
  assert_eq!(valid(&codec.decode(at_max.as_bytes(), MAX_TIMESTAMP)), JSON);
  for (issued, expires) in [
    (MAX_TIMESTAMP + 1, MAX_TIMESTAMP + 1),
    (0, MAX_TIMESTAMP + 1),
  ] {
    let over = forged(2, 1, "session", issued, expires, JSON.as_bytes());
    assert_eq!(
      reason(codec.decode(over.as_bytes(), 0)),
      InvalidReason::Malformed
    );
  }
  // Encoding: issued at the largest timestamp is allowed, one more is not.
  let sealed = codec
    .encode_with_iv(JSON, MAX_TIMESTAMP, 0, &NONCE, MAX_TIMESTAMP, 1)
    .unwrap();
  assert_eq!(valid(&codec.decode(sealed.as_bytes(), MAX_TIMESTAMP)), JSON);
  assert_eq!(
    codec.encode_with_iv(JSON, MAX_TIMESTAMP, 0, &NONCE, MAX_TIMESTAMP + 1, 1),
    Err(EncodeError::TimestampOutOfRange)
  );
}

#[test]
fn a_joined_value_of_exactly_16_kib_is_looked_at_and_one_byte_more_is_too_large() {
  let codec = codec();
  // "AgI" decodes to 0x02 0x02 ...: format 2, two chunks; the rest is filler that fails later.
  let first = format!("AgI{}", "A".repeat(MAX_COOKIE_VALUE_LEN - 3 - 10));
  for (second, expected) in [("B".repeat(10), false), ("B".repeat(11), true)] {
    let header = format!("session={first}; session.1={second}");
    let decoded = codec.decode_from_header(header.as_bytes(), 0);
    assert_eq!(
      decoded.reason == Some(InvalidReason::TooLarge),
      expected,
      "{decoded:?}"
    );
  }
  // A first piece of exactly 16 KiB that asks for a second is joined, and then too large.
  let whole = format!("AgI{}", "A".repeat(MAX_COOKIE_VALUE_LEN - 3));
  let header = format!("session={whole}; session.1=B");
  assert_eq!(
    reason(codec.decode_from_header(header.as_bytes(), 0)),
    InvalidReason::TooLarge
  );
}
