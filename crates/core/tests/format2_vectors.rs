//! Format 2's test vectors, `__test__/fixtures/format2-vectors.json`, shared with vitest so both
//! backends are held to the same bytes.
//!
//! The file is frozen: `cargo test` only reads it. It was written once by the ignored test
//! below, `cargo test -p client-sessions-core --test format2_vectors -- --ignored
//! write_format2_vectors`, which computes every derived value twice (the codec, and the
//! primitives called as SECURITY.md states them in `common::spec`) and refuses to write when
//! they differ. Run it again only for new vectors, and never to "fix" a failing check.

mod common;

use client_sessions_core::{
  derive_keys, Codec, CodecConfig, CookieFormat, DecodeStatus, EncryptionAlgorithm, KeyMaterial,
  SignatureAlgorithm,
};
use common::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const PATH: &str = concat!(
  env!("CARGO_MANIFEST_DIR"),
  "/../../__test__/fixtures/format2-vectors.json"
);

/// One key set as the options give it.
#[derive(Clone)]
enum Key {
  Secret(&'static str),
  SecretBytes(&'static [u8]),
  Raw(Vec<u8>, Vec<u8>),
  /// A secret with raw keys beside it: format 1 uses the raw keys, format 2 the secret.
  SecretAndRaw(&'static str, Vec<u8>, Vec<u8>),
}

struct Input {
  name: &'static str,
  cookie_name: &'static str,
  encryption: &'static str,
  signature: &'static str,
  keys: Vec<(Key, Option<&'static str>)>,
  created_at: u64,
  duration: u64,
  issued_at: u64,
  chunks: u8,
  json: String,
}

fn bytes(seed: u8, len: usize) -> Vec<u8> {
  (0..len)
    .map(|i| (i as u8).wrapping_mul(29) ^ seed)
    .collect()
}

fn inputs() -> Vec<Input> {
  let t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
  let day = 86_400_000;
  let base = |name, keys, json: &str| Input {
    name,
    cookie_name: "session",
    encryption: "aes256",
    signature: "sha256",
    keys,
    created_at: t0,
    duration: day,
    issued_at: t0,
    chunks: 1,
    json: json.to_owned(),
  };
  let secret = || {
    vec![(
      Key::Secret("format 2 vector secret, long enough to be real"),
      None,
    )]
  };
  vec![
    base("secret-small", secret(), r#"{"user":"ada","n":1}"#),
    base("secret-empty-object", secret(), "{}"),
    base(
      "secret-non-ascii-json",
      secret(),
      r#"{"name":"Zoë Åkesson","greeting":"こんにちは","emoji":"🍪👩‍💻","quote":"\"\\</script>"}"#,
    ),
    Input {
      issued_at: t0 - 3 * day,
      created_at: t0 - day / 2,
      duration: 2 * day,
      ..base(
        "secret-extended-session",
        secret(),
        r#"{"cart":[1,2,3],"loggedInAt":1766966400000}"#,
      )
    },
    base(
      "secret-non-ascii-secret",
      vec![(Key::Secret("pässwörd — ein sehr langes Geheimnis 🔑"), None)],
      r#"{"a":true}"#,
    ),
    base(
      "secret-bytes",
      vec![(
        Key::SecretBytes(b"\x00\xff\x80binary secret\x01\x02\xfe"),
        None,
      )],
      r#"{"b":false}"#,
    ),
    base(
      "raw-keys-aes256-sha256",
      vec![(Key::Raw(bytes(0x11, 32), bytes(0x22, 32)), None)],
      r#"{"user":"grace"}"#,
    ),
    Input {
      encryption: "aes128",
      signature: "sha512",
      ..base(
        "raw-keys-aes128-sha512",
        vec![(Key::Raw(bytes(0x33, 16), bytes(0x44, 64)), None)],
        r#"{"user":"linus"}"#,
      )
    },
    base(
      "named-id-secret",
      vec![(
        Key::Secret("format 2 vector secret, long enough to be real"),
        Some("2026-01"),
      )],
      r#"{"user":"ada","n":1}"#,
    ),
    base(
      "named-id-raw-keys",
      vec![(
        Key::Raw(bytes(0x55, 32), bytes(0x66, 48)),
        Some("primary key set ✓"),
      )],
      r#"{"id":7}"#,
    ),
    base(
      "secret-beside-raw-keys",
      vec![(
        Key::SecretAndRaw(
          "the secret format 2 derives from, long enough",
          bytes(0x77, 32),
          bytes(0x88, 32),
        ),
        None,
      )],
      r#"{"mixed":1}"#,
    ),
    base(
      "rotation-two-key-sets",
      vec![
        (
          Key::Secret("the newest secret, which seals, long enough"),
          Some("new"),
        ),
        (
          Key::Secret("format 2 vector secret, long enough to be real"),
          None,
        ),
      ],
      r#"{"rotated":true}"#,
    ),
    Input {
      chunks: 3,
      ..base(
        "three-chunks",
        secret(),
        &format!(
          r#"{{"items":[{}]}}"#,
          (0..60)
            .map(|i| format!(r#"{{"sku":"SKU-{i:04}","qty":{}}}"#, i % 5 + 1))
            .collect::<Vec<_>>()
            .join(",")
        ),
      )
    },
    Input {
      chunks: 4,
      ..base("four-chunks-small", secret(), r#"{"n":4}"#)
    },
    Input {
      cookie_name: "__Host-session",
      ..base(
        "cookie-name-host-prefix",
        secret(),
        r#"{"user":"ada","n":1}"#,
      )
    },
    Input {
      cookie_name: "cart",
      ..base("cookie-name-cart", secret(), r#"{"user":"ada","n":1}"#)
    },
    Input {
      cookie_name: "a.b",
      ..base("cookie-name-with-dot", secret(), "{}")
    },
    Input {
      created_at: 0,
      duration: 9_007_199_254_740_991,
      issued_at: 0,
      ..base("timestamps-extremes", secret(), "null")
    },
  ]
}

fn key_material(key: &Key, id: Option<&str>) -> KeyMaterial {
  let material = match key {
    Key::Secret(secret) => derive_keys(secret.as_bytes()),
    Key::SecretBytes(secret) => derive_keys(secret),
    Key::Raw(enc, sig) => KeyMaterial::from_raw(enc.clone(), sig.clone()),
    Key::SecretAndRaw(secret, enc, sig) => KeyMaterial {
      secret: Some(secret.as_bytes().to_vec().into()),
      ..KeyMaterial::from_raw(enc.clone(), sig.clone())
    },
  };
  match id {
    Some(id) => material.with_id(id),
    None => material,
  }
}

fn codec(cookie_name: &str, encryption: &str, signature: &str, keys: Vec<KeyMaterial>) -> Codec {
  Codec::new(CodecConfig {
    cookie_name: cookie_name.to_owned(),
    encryption: EncryptionAlgorithm::parse(encryption).unwrap(),
    signature: SignatureAlgorithm::parse(signature).unwrap(),
    keys,
    active_duration: 0,
    format: CookieFormat::V2,
    absolute_duration: 0,
  })
  .unwrap()
}

fn about() -> Value {
  json!({
    "summary": "Format 2 cookie values (SECURITY.md, \"Format 2: the specification\"), made by the Rust core (crates/core/tests/format2_vectors.rs) and checked there and in vitest on both backends. Every value must decode to its json at issuedAt (and at expiresAt; expired 1 ms later), and encodeWithIv(json, createdAt, duration, nonce, issuedAt, chunks) with the first key set must give it byte for byte. Hex is lowercase; strings are UTF-8.",
    "fields": {
      "name": "a unique name for the vector",
      "cookieName": "the codec's cookieName (bound in the associated data)",
      "encryptionAlgorithm": "the codec's option (format 1's cipher; what raw keys must fit)",
      "signatureAlgorithm": "the codec's option (format 1's MAC)",
      "keys": "the key sets, in order, as the keys option takes them: secret (UTF-8 text) or secretHex (a Buffer secret), and/or encryptionKey and signatureKey (hex), and id when given. The first seals",
      "keys[].derived.ikm": "format 2's input key material: the secret's bytes when there is a secret (even beside raw keys), else encryptionKey ‖ signatureKey",
      "keys[].derived.key": "K = HKDF-SHA256(salt empty, ikm, info \"client-sessions-native format 2 encryption key\", 32)",
      "keys[].derived.keyId": "with an id: SHA-256(\"client-sessions-native format 2 key id:\" ‖ UTF-8(id))[0..4]; else HKDF-SHA256(salt empty, ikm, info \"client-sessions-native format 2 key id\", 4)",
      "createdAt": "encode's createdAt (ms)",
      "duration": "encode's duration (ms)",
      "issuedAt": "encode's issuedAt (ms), sealed in P",
      "expiresAt": "createdAt + duration, sealed in P",
      "chunks": "encode's chunks: n, written in B[1]",
      "nonce": "the 24-byte nonce, encodeWithIv's iv",
      "json": "the session's JSON text",
      "associatedData": "AD = B[0..6] ‖ UTF-8(cookieName)",
      "plaintext": "P = issuedAt u64 BE ‖ expiresAt u64 BE ‖ UTF-8(json)",
      "bytes": "B = [0x02][n][keyId][nonce][XChaCha20-Poly1305(K, nonce, AD, P): ciphertext ‖ tag]",
      "value": "the cookie value: unpadded canonical base64url of B (before any split into chunk cookies)",
      "decoded": "what decoding the value at issuedAt gives: createdAt = issuedAt, duration = expiresAt − issuedAt, keyIndex 0"
    }
  })
}

fn key_json(key: &Key, id: Option<&str>) -> Value {
  let mut out = serde_json::Map::new();
  match key {
    Key::Secret(secret) => {
      out.insert("secret".into(), json!(secret));
    }
    Key::SecretBytes(secret) => {
      out.insert("secretHex".into(), json!(hex(secret)));
    }
    Key::Raw(enc, sig) => {
      out.insert("encryptionKey".into(), json!(hex(enc)));
      out.insert("signatureKey".into(), json!(hex(sig)));
    }
    Key::SecretAndRaw(secret, enc, sig) => {
      out.insert("secret".into(), json!(secret));
      out.insert("encryptionKey".into(), json!(hex(enc)));
      out.insert("signatureKey".into(), json!(hex(sig)));
    }
  }
  if let Some(id) = id {
    out.insert("id".into(), json!(id));
  }
  let ikm = key_material(key, id).format2_ikm().to_vec();
  out.insert(
    "derived".into(),
    json!({
      "ikm": hex(&ikm),
      "key": hex(&spec::encryption_key(&ikm)),
      "keyId": hex(&spec::key_id(&ikm, id)),
    }),
  );
  Value::Object(out)
}

#[test]
#[ignore = "writes the frozen vectors file; run by hand for new vectors only"]
fn write_format2_vectors() {
  let mut vectors = Vec::new();
  let mut names = std::collections::HashSet::new();
  for input in inputs() {
    assert!(names.insert(input.name), "duplicate {}", input.name);
    let keys: Vec<KeyMaterial> = input
      .keys
      .iter()
      .map(|(key, id)| key_material(key, *id))
      .collect();
    let codec = codec(input.cookie_name, input.encryption, input.signature, keys);
    let nonce: [u8; 24] = Sha256::digest(format!("format 2 vector nonce: {}", input.name))[..24]
      .try_into()
      .unwrap();
    let value = codec
      .encode_with_iv(
        &input.json,
        input.created_at,
        input.duration,
        &nonce,
        input.issued_at,
        input.chunks,
      )
      .unwrap();
    let expires_at = input.created_at + input.duration;
    let (first_key, first_id) = &input.keys[0];
    let ikm = key_material(first_key, *first_id).format2_ikm().to_vec();
    let parts = spec::seal_raw(
      &spec::encryption_key(&ikm),
      2,
      input.chunks,
      spec::key_id(&ikm, *first_id),
      nonce,
      input.cookie_name.as_bytes(),
      input.issued_at,
      expires_at,
      input.json.as_bytes(),
    );
    assert_eq!(
      value,
      b64(&parts.bytes),
      "{}: the codec and the spec differ",
      input.name
    );
    vectors.push(json!({
      "name": input.name,
      "cookieName": input.cookie_name,
      "encryptionAlgorithm": input.encryption,
      "signatureAlgorithm": input.signature,
      "keys": input.keys.iter().map(|(key, id)| key_json(key, *id)).collect::<Vec<_>>(),
      "createdAt": input.created_at,
      "duration": input.duration,
      "issuedAt": input.issued_at,
      "expiresAt": expires_at,
      "chunks": input.chunks,
      "nonce": hex(&nonce),
      "json": input.json,
      "associatedData": hex(&parts.ad),
      "plaintext": hex(&parts.plaintext),
      "bytes": hex(&parts.bytes),
      "value": value,
      "decoded": {
        "status": "valid",
        "createdAt": input.issued_at,
        "duration": expires_at - input.issued_at,
        "issuedAt": input.issued_at,
        "format": 2,
        "keyIndex": 0,
      },
    }));
  }
  let file = json!({ "about": about(), "vectors": vectors });
  let mut text = serde_json::to_string_pretty(&file).unwrap();
  text.push('\n');
  std::fs::write(PATH, text).unwrap();
}

fn vectors() -> Vec<Value> {
  let text = std::fs::read_to_string(PATH).expect("the format 2 vectors file");
  let file: Value = serde_json::from_str(&text).unwrap();
  assert!(file["about"]["fields"].is_object());
  file["vectors"].as_array().unwrap().clone()
}

fn str_of<'a>(v: &'a Value, field: &str) -> &'a str {
  v[field]
    .as_str()
    .unwrap_or_else(|| panic!("{field} in {}", v["name"]))
}

fn u64_of(v: &Value, field: &str) -> u64 {
  v[field]
    .as_u64()
    .unwrap_or_else(|| panic!("{field} in {}", v["name"]))
}

/// The key sets of a vector, read from the file alone.
fn keys_of(v: &Value) -> Vec<KeyMaterial> {
  v["keys"]
    .as_array()
    .unwrap()
    .iter()
    .map(|k| {
      let secret = k["secret"]
        .as_str()
        .map(|s| s.as_bytes().to_vec())
        .or_else(|| k["secretHex"].as_str().map(unhex));
      let raw = match (k["encryptionKey"].as_str(), k["signatureKey"].as_str()) {
        (Some(enc), Some(sig)) => Some((unhex(enc), unhex(sig))),
        _ => None,
      };
      let material = match (secret, raw) {
        (Some(secret), None) => derive_keys(&secret),
        (secret, Some((enc, sig))) => KeyMaterial {
          secret: secret.map(Into::into),
          ..KeyMaterial::from_raw(enc, sig)
        },
        (None, None) => panic!("a key set without keys in {}", v["name"]),
      };
      match k["id"].as_str() {
        Some(id) => material.with_id(id),
        None => material,
      }
    })
    .collect()
}

fn codec_of(v: &Value) -> Codec {
  codec(
    str_of(v, "cookieName"),
    str_of(v, "encryptionAlgorithm"),
    str_of(v, "signatureAlgorithm"),
    keys_of(v),
  )
}

#[test]
fn the_file_covers_what_it_must() {
  let vectors = vectors();
  assert!(vectors.len() >= 8, "{} vectors", vectors.len());
  let has = |f: &dyn Fn(&Value) -> bool| vectors.iter().any(f);
  assert!(has(
    &|v| v["keys"][0]["secret"].is_string() && v["keys"][0]["encryptionKey"].is_null()
  ));
  assert!(has(&|v| v["keys"][0]["secretHex"].is_string()));
  assert!(has(
    &|v| v["keys"][0]["encryptionKey"].is_string() && v["keys"][0]["secret"].is_null()
  ));
  assert!(has(&|v| v["keys"][0]["id"].is_string()));
  assert!(has(&|v| v["keys"].as_array().unwrap().len() > 1));
  assert!(has(&|v| !str_of(v, "json").is_ascii()));
  assert!(has(&|v| str_of(v, "json") == "{}"));
  assert!(has(&|v| u64_of(v, "chunks") == 3));
  assert!(has(&|v| u64_of(v, "issuedAt") != u64_of(v, "createdAt")));
  let names: std::collections::HashSet<&str> =
    vectors.iter().map(|v| str_of(v, "cookieName")).collect();
  assert!(names.len() >= 3);
}

#[test]
fn every_key_set_derives_the_recorded_key_and_key_id() {
  for v in vectors() {
    let codec = codec_of(&v);
    for (index, (k, material)) in v["keys"]
      .as_array()
      .unwrap()
      .iter()
      .zip(keys_of(&v))
      .enumerate()
    {
      let derived = &k["derived"];
      let ikm = material.format2_ikm();
      assert_eq!(hex(&ikm), str_of(derived, "ikm"), "{}", v["name"]);
      assert_eq!(
        hex(&spec::encryption_key(&ikm)),
        str_of(derived, "key"),
        "{}",
        v["name"]
      );
      let key_id = spec::key_id(&ikm, k["id"].as_str());
      assert_eq!(hex(&key_id), str_of(derived, "keyId"), "{}", v["name"]);
      assert_eq!(codec.key_id(index), Some(key_id), "{}", v["name"]);
    }
  }
}

#[test]
fn every_vector_is_the_bytes_the_specification_describes() {
  for v in vectors() {
    let name = &v["name"];
    let bytes = unhex(str_of(&v, "bytes"));
    assert_eq!(b64(&bytes), str_of(&v, "value"), "{name}");
    assert_eq!(bytes.len(), 62 + str_of(&v, "json").len(), "{name}");
    assert_eq!(bytes[0], 2);
    assert_eq!(u64::from(bytes[1]), u64_of(&v, "chunks"), "{name}");
    assert_eq!(hex(&bytes[2..6]), str_of(&v["keys"][0]["derived"], "keyId"));
    assert_eq!(hex(&bytes[6..30]), str_of(&v, "nonce"), "{name}");
    let mut ad = bytes[..6].to_vec();
    ad.extend_from_slice(str_of(&v, "cookieName").as_bytes());
    assert_eq!(hex(&ad), str_of(&v, "associatedData"), "{name}");
    let mut plaintext = u64_of(&v, "issuedAt").to_be_bytes().to_vec();
    plaintext.extend_from_slice(&u64_of(&v, "expiresAt").to_be_bytes());
    plaintext.extend_from_slice(str_of(&v, "json").as_bytes());
    assert_eq!(hex(&plaintext), str_of(&v, "plaintext"), "{name}");
    assert_eq!(
      u64_of(&v, "expiresAt"),
      u64_of(&v, "createdAt") + u64_of(&v, "duration")
    );
    // Sealed again from the recorded K alone.
    let key: [u8; 32] = unhex(str_of(&v["keys"][0]["derived"], "key"))
      .try_into()
      .unwrap();
    let again = spec::seal_raw(
      &key,
      2,
      bytes[1],
      bytes[2..6].try_into().unwrap(),
      bytes[6..30].try_into().unwrap(),
      str_of(&v, "cookieName").as_bytes(),
      u64_of(&v, "issuedAt"),
      u64_of(&v, "expiresAt"),
      str_of(&v, "json").as_bytes(),
    );
    assert_eq!(again.bytes, bytes, "{name}");
  }
}

#[test]
fn every_vector_re_encodes_byte_for_byte() {
  for v in vectors() {
    let codec = codec_of(&v);
    let nonce = unhex(str_of(&v, "nonce"));
    let value = codec
      .encode_with_iv(
        str_of(&v, "json"),
        u64_of(&v, "createdAt"),
        u64_of(&v, "duration"),
        &nonce,
        u64_of(&v, "issuedAt"),
        u64_of(&v, "chunks") as u8,
      )
      .unwrap();
    assert_eq!(value, str_of(&v, "value"), "{}", v["name"]);
  }
}

#[test]
fn every_vector_decodes_to_its_json_until_it_expires() {
  for v in vectors() {
    let name = &v["name"];
    let value = str_of(&v, "value").as_bytes();
    let issued_at = u64_of(&v, "issuedAt");
    let expires_at = u64_of(&v, "expiresAt");
    let expected = &v["decoded"];
    for codec in [codec_of(&v), {
      // A format 1 codec of the same keys reads it too.
      let mut config = config("x", keys_of(&v), CookieFormat::V1);
      config.cookie_name = str_of(&v, "cookieName").to_owned();
      config.encryption = EncryptionAlgorithm::parse(str_of(&v, "encryptionAlgorithm")).unwrap();
      config.signature = SignatureAlgorithm::parse(str_of(&v, "signatureAlgorithm")).unwrap();
      Codec::new(config).unwrap()
    }] {
      for now in [issued_at, expires_at] {
        let decoded = codec.decode(value, now);
        assert_eq!(decoded.status, DecodeStatus::Valid, "{name}");
        assert_eq!(decoded.json.as_deref(), v["json"].as_str(), "{name}");
        assert_eq!(decoded.created_at, u64_of(expected, "createdAt"), "{name}");
        assert_eq!(decoded.duration, u64_of(expected, "duration"), "{name}");
        assert_eq!(decoded.issued_at, u64_of(expected, "issuedAt"), "{name}");
        assert_eq!(decoded.format, Some(CookieFormat::V2), "{name}");
        assert_eq!(
          u64::from(decoded.key_index),
          u64_of(expected, "keyIndex"),
          "{name}"
        );
      }
      if expires_at < client_sessions_core::MAX_TIMESTAMP {
        assert_eq!(
          codec.decode(value, expires_at + 1).status,
          DecodeStatus::Expired,
          "{name}"
        );
      }
    }
    // Under another cookie name, refused.
    let mut other = config("other-name", keys_of(&v), CookieFormat::V1);
    other.encryption = EncryptionAlgorithm::parse(str_of(&v, "encryptionAlgorithm")).unwrap();
    other.signature = SignatureAlgorithm::parse(str_of(&v, "signatureAlgorithm")).unwrap();
    let other = Codec::new(other).unwrap();
    assert_eq!(
      other.decode(value, issued_at).status,
      DecodeStatus::Invalid,
      "{name}"
    );
  }
}
