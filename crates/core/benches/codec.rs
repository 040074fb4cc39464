//! Rust-side cost of one encode and one decode, without N-API, so the JavaScript benchmarks can
//! be split into "crypto and parsing" and "crossing into Node", for both cookie formats. Run:
//! `cargo bench -p client-sessions-core`.

use std::hint::black_box;
use std::time::Instant;

use client_sessions_core::{
  derive_keys, Codec, CodecConfig, CookieFormat, EncryptionAlgorithm, SignatureAlgorithm,
};

const ROUNDS: usize = 15;
const ITERATIONS: usize = 20_000;

fn codec(format: CookieFormat) -> Codec {
  Codec::new(CodecConfig {
    cookie_name: "session".into(),
    encryption: EncryptionAlgorithm::Aes256,
    signature: SignatureAlgorithm::Sha256,
    keys: vec![derive_keys(b"a benchmark secret that is long enough")],
    active_duration: 300_000,
    format,
    absolute_duration: 0,
  })
  .expect("valid config")
}

fn main() {
  let payloads = [
    ("small", r#"{"user":"ada","n":1,"csrf":"x"}"#.to_owned()),
    ("typical", typical_session()),
    ("large", format!(r#"{{"blob":"{}"}}"#, "x".repeat(2500))),
  ];
  println!(
    "{:<7} {:<8} {:>6} {:>6} {:>12} {:>12} {:>14}",
    "format", "payload", "bytes", "chars", "encode ns", "decode ns", "header ns"
  );
  for format in [CookieFormat::V1, CookieFormat::V2] {
    let codec = codec(format);
    for (name, json) in &payloads {
      let cookie = codec.encode(json, 1_700_000_000_000, 86_400_000).unwrap();
      let header = format!("theme=dark; lang=en; session={cookie}; other=1");
      let encode = median_ns(|| {
        black_box(
          codec
            .encode(black_box(json), 1_700_000_000_000, 86_400_000)
            .unwrap(),
        );
      });
      let decode = median_ns(|| {
        black_box(codec.decode(black_box(cookie.as_bytes()), 1_700_000_000_001));
      });
      let from_header = median_ns(|| {
        black_box(codec.decode_from_header(black_box(header.as_bytes()), 1_700_000_000_001));
      });
      println!(
        "{:<7} {name:<8} {:>6} {:>6} {encode:>12.0} {decode:>12.0} {from_header:>14.0}",
        format.number(),
        json.len(),
        cookie.len()
      );
    }
  }
}

fn typical_session() -> String {
  r#"{"user":{"id":48213,"email":"ada.lovelace@example.com","name":"Ada Lovelace","roles":["customer","beta-tester","admin"]},"csrfToken":"q8Jr2vXkM1bT7wYh0sLdZc4NfPaE9uGi","loggedInAt":1717430400000,"cart":[{"sku":"BK-1042","qty":1,"priceCents":2499},{"sku":"MUG-007","qty":2,"priceCents":1299}],"prefs":{"theme":"dark","lang":"en-GB","currency":"GBP"},"flash":null}"#.to_owned()
}

fn median_ns(mut op: impl FnMut()) -> f64 {
  for _ in 0..ITERATIONS {
    op();
  }
  let mut samples: Vec<f64> = (0..ROUNDS)
    .map(|_| {
      let start = Instant::now();
      for _ in 0..ITERATIONS {
        op();
      }
      start.elapsed().as_nanos() as f64 / ITERATIONS as f64
    })
    .collect();
  samples.sort_by(f64::total_cmp);
  samples[ROUNDS / 2]
}
