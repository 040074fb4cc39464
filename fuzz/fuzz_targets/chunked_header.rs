//! Format 2 values split across chunk cookies at any points, among any other cookies: the
//! genuine pieces, first in the header, always join back to the session, whatever follows them;
//! with anything in front of them, decoding never panics and never yields another session.
#![no_main]

use std::sync::LazyLock;

use client_sessions_core::{Codec, DecodeStatus};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

static CODEC: LazyLock<Codec> = LazyLock::new(common::format2_codec);

const NOW: u64 = 1_700_000_000_000;
const NAMES: [&str; 8] = [
  "session",
  "session.1",
  "session.2",
  "session.3",
  "session.4",
  "session.12",
  "sessionx",
  " session ",
];

fuzz_target!(|input: (String, u8, [u16; 3], Vec<(u8, String)>, bool)| {
  let (json, chunks, cuts, extra, extra_first) = input;
  let n = usize::from(chunks % 4) + 1;
  let Ok(value) = CODEC.encode_issued(&json, NOW, 86_400_000, NOW, n as u8) else {
    return;
  };
  let mut bounds: Vec<usize> = cuts[..n - 1]
    .iter()
    .map(|&c| usize::from(c) % (value.len() + 1))
    .collect();
  bounds.sort_unstable();
  bounds.insert(0, 0);
  bounds.push(value.len());
  let genuine: Vec<String> = bounds
    .windows(2)
    .enumerate()
    .map(|(k, w)| {
      let piece = &value[w[0]..w[1]];
      if k == 0 {
        format!("session={piece}")
      } else {
        format!("session.{k}={piece}")
      }
    })
    .collect();
  let others: Vec<String> = extra
    .iter()
    .map(|(name, value)| format!("{}={value}", NAMES[usize::from(*name) % NAMES.len()]))
    .collect();
  let parts: Vec<String> = if extra_first {
    others.iter().chain(&genuine).cloned().collect()
  } else {
    genuine.iter().chain(&others).cloned().collect()
  };
  let header = parts.join("; ");
  let decoded = CODEC.decode_from_header(header.as_bytes(), NOW);
  if decoded.status == DecodeStatus::Valid {
    assert_eq!(
      decoded.json.as_deref(),
      Some(json.as_str()),
      "only our session"
    );
  } else {
    assert!(decoded.json.is_none());
  }
  // The genuine pieces are in the header: their bits are set.
  let needed = ((1u8 << (n - 1)) - 1) & 7;
  assert_eq!(decoded.chunk_cookies & needed, needed);
  // First in the header, with a piece 0 long enough to carry the count, they win.
  if !extra_first && bounds[1] >= 4 {
    assert_eq!(decoded.status, DecodeStatus::Valid, "{header}");
  }
});
