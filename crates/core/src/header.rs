//! Finding one cookie's values in a raw `Cookie` request header, so the header crosses into
//! Rust once and no JavaScript object is built for the other cookies.

/// The values of every cookie called `name` in `header`, in order. Pairs are separated by `;`,
/// spaces and tabs around names and values are ignored, and one pair of surrounding double
/// quotes is removed from a value (RFC 6265 allows a quoted value).
///
/// The name is searched for with SIMD (`memchr::memmem`), so the other cookies in a long header
/// cost almost nothing; each hit is then checked to be a whole name at the start of a pair.
pub fn cookie_values<'h>(header: &'h [u8], name: &'h [u8]) -> impl Iterator<Item = &'h [u8]> + 'h {
  let finder = memchr::memmem::find_iter(header, name);
  finder.filter_map(move |at| {
    if name.is_empty() || !starts_pair(&header[..at]) {
      return None;
    }
    let rest = &header[at + name.len()..];
    let end = memchr::memchr(b';', rest).unwrap_or(rest.len());
    let pair_rest = trim_start(&rest[..end]);
    let value = pair_rest.strip_prefix(b"=")?;
    let value = trim(value);
    Some(match value {
      [b'"', inner @ .., b'"'] => inner,
      _ => value,
    })
  })
}

/// Whether only blanks stand between the previous `;` (or the header's start) and `at`.
fn starts_pair(before: &[u8]) -> bool {
  let before = trim_end(before);
  before.is_empty() || before.ends_with(b";")
}

fn trim_start(mut bytes: &[u8]) -> &[u8] {
  while let [b' ' | b'\t', rest @ ..] = bytes {
    bytes = rest;
  }
  bytes
}

fn trim_end(mut bytes: &[u8]) -> &[u8] {
  while let [rest @ .., b' ' | b'\t'] = bytes {
    bytes = rest;
  }
  bytes
}

fn trim(bytes: &[u8]) -> &[u8] {
  trim_end(trim_start(bytes))
}

#[cfg(test)]
mod tests {
  use super::*;

  fn values<'a>(header: &'a str, name: &'a str) -> Vec<&'a str> {
    cookie_values(header.as_bytes(), name.as_bytes())
      .map(|v| std::str::from_utf8(v).unwrap())
      .collect()
  }

  #[test]
  fn finds_the_named_cookie_among_others() {
    assert_eq!(values("a=1; session=abc.def; b=2", "session"), ["abc.def"]);
    assert_eq!(values("session=x", "session"), ["x"]);
    assert_eq!(
      values("  session =\t\"quoted\" ;x=1", "session"),
      ["quoted"]
    );
  }

  #[test]
  fn matches_whole_names_only() {
    assert!(values("my_session=1; session_x=2; xsession=3", "session").is_empty());
    assert!(values("", "session").is_empty());
    assert!(
      values("session", "session").is_empty(),
      "a name without '=' has no value"
    );
  }

  #[test]
  fn returns_duplicates_in_order_and_keeps_empty_values() {
    assert_eq!(
      values("session=1; session=; session=3", "session"),
      ["1", "", "3"]
    );
    assert_eq!(values("session=a=b", "session"), ["a=b"]);
  }
}
