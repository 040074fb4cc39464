//! The Cookie header scan against a plain reference: split on ';', trim blanks, match the whole
//! name, strip one pair of quotes. Every value found is a slice of the header, in order. Format
//! 2's chunk cookies `name.1` to `name.3` are found the same way (the first of each).
#![no_main]

use client_sessions_core::{chunk_values, cookie_values};
use libfuzzer_sys::fuzz_target;

fn trim(mut bytes: &[u8]) -> &[u8] {
  while let [b' ' | b'\t', rest @ ..] = bytes {
    bytes = rest;
  }
  while let [rest @ .., b' ' | b'\t'] = bytes {
    bytes = rest;
  }
  bytes
}

fn reference<'a>(header: &'a [u8], name: &[u8]) -> Vec<&'a [u8]> {
  header
    .split(|&b| b == b';')
    .filter_map(|pair| {
      let eq = pair.iter().position(|&b| b == b'=')?;
      if trim(&pair[..eq]) != name {
        return None;
      }
      let value = trim(&pair[eq + 1..]);
      Some(match value {
        [b'"', inner @ .., b'"'] => inner,
        _ => value,
      })
    })
    .collect()
}

fuzz_target!(|input: (&[u8], &[u8])| {
  let (name, header) = input;
  // A cookie name has no separators, blanks or '=' (the TypeScript layer checks it at setup).
  if name.is_empty()
    || name
      .iter()
      .any(|&b| matches!(b, b';' | b'=' | b' ' | b'\t'))
  {
    return;
  }
  let found: Vec<&[u8]> = cookie_values(header, name).collect();
  assert_eq!(found, reference(header, name));
  let chunks = chunk_values(header, name);
  for (k, chunk) in chunks.iter().enumerate() {
    let mut chunk_name = name.to_vec();
    chunk_name.extend_from_slice(format!(".{}", k + 1).as_bytes());
    assert_eq!(*chunk, reference(header, &chunk_name).first().copied());
  }
});
