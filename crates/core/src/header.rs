//! Finding one cookie's values in a raw `Cookie` request header, so the header crosses into
//! Rust once and no JavaScript object is built for the other cookies.

/// The values of every cookie called `name` in `header`, in order. Pairs are separated by `;`,
/// spaces and tabs around names and values are ignored, and one pair of surrounding double
/// quotes is removed from a value (RFC 6265 allows a quoted value).
pub fn cookie_values<'h>(header: &'h [u8], name: &'h [u8]) -> impl Iterator<Item = &'h [u8]> + 'h {
  header.split(|&b| b == b';').filter_map(move |pair| {
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
}

fn trim(mut bytes: &[u8]) -> &[u8] {
  while let [b' ' | b'\t', rest @ ..] = bytes {
    bytes = rest;
  }
  while let [rest @ .., b' ' | b'\t'] = bytes {
    bytes = rest;
  }
  bytes
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
