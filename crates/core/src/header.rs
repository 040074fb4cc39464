//! Finding one cookie's values in a raw `Cookie` request header, so the header crosses into
//! Rust once and no JavaScript object is built for the other cookies.

/// The values of every cookie called `name` in `header`, in order. Pairs are separated by `;`,
/// spaces and tabs around names and values are ignored, and one pair of surrounding double
/// quotes is removed from a value (RFC 6265 allows a quoted value). Only the whole name
/// matches: `name.1` (a format 2 chunk cookie) and `name_x` are other cookies.
///
/// The name is searched for with SIMD (`memchr::memmem`), so the other cookies in a long header
/// cost almost nothing; each hit is then checked to be a whole name at the start of a pair.
pub fn cookie_values<'h>(header: &'h [u8], name: &'h [u8]) -> impl Iterator<Item = &'h [u8]> + 'h {
  named_pairs(header, name).filter_map(|(chunk, value)| (chunk == 0).then_some(value))
}

/// The first value of each of format 2's chunk cookies `name.1`, `name.2` and `name.3` in
/// `header`, as [`cookie_values`] finds values (index `k - 1` for `name.k`).
pub fn chunk_values<'h>(header: &'h [u8], name: &'h [u8]) -> [Option<&'h [u8]>; CHUNK_NAMES] {
  let mut chunks = [None; CHUNK_NAMES];
  for (chunk, value) in named_pairs(header, name) {
    if chunk > 0 {
      chunks[chunk - 1].get_or_insert(value);
    }
  }
  chunks
}

/// How many chunk cookie names there are: `name.1` to `name.3` (format 2 splits a value across
/// at most four cookies).
pub const CHUNK_NAMES: usize = 3;

/// What one pass over a header found for a codec: the first `N` values of `name`, and the first
/// value of each chunk cookie.
pub struct HeaderScan<'h, const N: usize> {
  pub values: [&'h [u8]; N],
  pub value_count: usize,
  pub chunks: [Option<&'h [u8]>; CHUNK_NAMES],
}

impl<'h, const N: usize> HeaderScan<'h, N> {
  /// One linear pass over `header`, stopped early once `N` values and every chunk are found.
  pub fn new(header: &'h [u8], name: &'h [u8]) -> Self {
    let mut scan = Self {
      values: [&[][..]; N],
      value_count: 0,
      chunks: [None; CHUNK_NAMES],
    };
    for (chunk, value) in named_pairs(header, name) {
      if chunk == 0 {
        if scan.value_count < N {
          scan.values[scan.value_count] = value;
          scan.value_count += 1;
        }
      } else {
        scan.chunks[chunk - 1].get_or_insert(value);
      }
      if scan.value_count == N && scan.chunks.iter().all(Option::is_some) {
        break;
      }
    }
    scan
  }

  pub fn values(&self) -> &[&'h [u8]] {
    &self.values[..self.value_count]
  }

  /// Bit `k - 1` set when `name.k` is in the header.
  pub fn chunk_mask(&self) -> u8 {
    self.chunks.iter().enumerate().fold(0, |mask, (i, chunk)| {
      mask | (u8::from(chunk.is_some()) << i)
    })
  }
}

/// Every pair named `name` (chunk 0) or `name.1` to `name.3` (chunk 1 to 3), with its value.
///
/// Linear: a hit of `name` costs work only at the start of a pair, and then only up to the next
/// `;`, and pairs do not overlap.
fn named_pairs<'h>(
  header: &'h [u8],
  name: &'h [u8],
) -> impl Iterator<Item = (usize, &'h [u8])> + 'h {
  let finder = memchr::memmem::find_iter(header, name);
  finder.filter_map(move |at| {
    if name.is_empty() || !starts_pair(&header[..at]) {
      return None;
    }
    let mut rest = &header[at + name.len()..];
    let mut chunk = 0;
    if let [b'.', digit @ b'1'..=b'3', after @ ..] = rest {
      chunk = usize::from(digit - b'0');
      rest = after;
    }
    let end = memchr::memchr(b';', rest).unwrap_or(rest.len());
    let pair_rest = trim_start(&rest[..end]);
    let value = pair_rest.strip_prefix(b"=")?;
    let value = trim(value);
    Some((
      chunk,
      match value {
        [b'"', inner @ .., b'"'] => inner,
        _ => value,
      },
    ))
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
  fn chunk_cookies_are_other_cookies() {
    let header = "session.1=b; session=a; session.12=x; session.3 = \"d\"; session.1=late; \
                  session.4=y; session .2=z; xsession.2=w; session.2";
    assert_eq!(values(header, "session"), ["a"]);
    let chunks = chunk_values(header.as_bytes(), b"session");
    assert_eq!(chunks, [Some(&b"b"[..]), None, Some(&b"d"[..])]);
    let scan = HeaderScan::<8>::new(header.as_bytes(), b"session");
    assert_eq!(scan.values(), [b"a"]);
    assert_eq!(scan.chunks, chunks);
    assert_eq!(scan.chunk_mask(), 0b101);
    assert!(values("session.1=a", "session").is_empty());
    assert_eq!(values("session.1=a", "session.1"), ["a"]);
    assert_eq!(
      chunk_values(b"session.1.1=c; session.1=a", b"session.1"),
      [Some(&b"c"[..]), None, None]
    );
  }

  #[test]
  fn the_scan_keeps_the_first_values_only() {
    let header = "s=1; s=2; s=3; s.2=a; s.2=b";
    let scan = HeaderScan::<2>::new(header.as_bytes(), b"s");
    assert_eq!(scan.values(), [b"1", b"2"]);
    assert_eq!(scan.chunks, [None, Some(&b"a"[..]), None]);
    assert_eq!(scan.chunk_mask(), 0b010);
    let empty = HeaderScan::<8>::new(b"", b"s");
    assert!(empty.values().is_empty());
    assert_eq!(empty.chunk_mask(), 0);
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
