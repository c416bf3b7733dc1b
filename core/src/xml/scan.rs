//! Finding the few bytes that matter (markup and white space to escape or normalize) eight
//! bytes at a time. Attribute values and text are mostly URIs, identifiers and base64 with
//! nothing to escape; testing a whole word per step instead of branching on every byte
//! was measured at about 3x on such strings (see `benches/c14n.rs` for the writer).

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

#[inline(always)]
fn word(c: &[u8]) -> u64 {
    u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
}

/// True when some byte of `w` is below `n` (n <= 128).
#[inline(always)]
fn has_below(w: u64, n: u8) -> bool {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS != 0
}

/// True when some byte of `w` equals `b`.
#[inline(always)]
fn has_byte(w: u64, b: u8) -> bool {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS != 0
}

#[inline(always)]
fn find(s: &[u8], maybe: impl Fn(u64) -> bool, is: impl Fn(u8) -> bool) -> Option<usize> {
    let mut chunks = s.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        if maybe(word(c)) {
            if let Some(i) = c.iter().position(|&b| is(b)) {
                return Some(base + i);
            }
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| is(b))
        .map(|i| base + i)
}

/// First byte an attribute value must escape when written: `& < "` tab LF CR.
#[inline]
pub fn attr_special(s: &[u8]) -> Option<usize> {
    find(
        s,
        |w| has_below(w, 0x0e) || has_byte(w, b'&') || has_byte(w, b'<') || has_byte(w, b'"'),
        |b| matches!(b, b'&' | b'<' | b'"' | b'\t' | b'\n' | b'\r'),
    )
}

/// First byte text must escape when written: `& < >` CR.
#[inline]
pub fn text_special(s: &[u8]) -> Option<usize> {
    find(
        s,
        |w| has_below(w, 0x0e) || has_byte(w, b'&') || has_byte(w, b'<') || has_byte(w, b'>'),
        |b| matches!(b, b'&' | b'<' | b'>' | b'\r'),
    )
}

/// First byte of a raw attribute value, read from just after its opening `quote`, that
/// ends it or needs work: the closing quote, `&` (a reference), `<` (an error), or tab /
/// LF / CR (normalized to spaces). The common value (nothing to do) costs two vector
/// scans (`memchr`), measured at a third of a word-at-a-time scan for the four tests.
#[inline]
pub fn raw_attr_stop(s: &[u8], quote: u8) -> Option<usize> {
    let stop = memchr::memchr3(quote, b'&', b'<', s);
    let upto = stop.unwrap_or(s.len());
    match memchr::memchr3(b'\t', b'\n', b'\r', &s[..upto]) {
        Some(ws) => Some(ws),
        None => stop,
    }
}

/// First byte of raw character data that needs work or a check: `&` (a reference), CR
/// (line-end normalization) or `]` (a possible `]]>`).
#[inline]
pub fn raw_text_special(s: &[u8]) -> Option<usize> {
    memchr::memchr3(b'&', b'\r', b']', s)
}

/// Position of `b` in `s`.
#[inline]
pub fn find_byte(s: &[u8], b: u8) -> Option<usize> {
    memchr::memchr(b, s)
}

/// Byte equality for the short strings names are, without a call into `memcmp` (which
/// costs more than the comparison for a prefix of a few bytes).
#[inline]
pub(crate) fn same_name(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        if x != y {
            return false;
        }
    }
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut diff = 0u8;
    for i in 0..ra.len() {
        diff |= ra[i] ^ rb[i];
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_byte_loop() {
        let samples: Vec<Vec<u8>> = (0u32..4000)
            .map(|i| {
                let len = (i % 37) as usize;
                (0..len)
                    .map(|j| {
                        ((i.wrapping_mul(2654435761).wrapping_add(j as u32 * 40503)) >> 7) as u8
                    })
                    .collect()
            })
            .chain([
                b"http://www.w3.org/2000/09/xmldsig#sha1".to_vec(),
                b"a&b".to_vec(),
                b"abcdefgh\r".to_vec(),
            ])
            .collect();
        for s in samples {
            let slow = |f: &dyn Fn(u8) -> bool| s.iter().position(|&b| f(b));
            assert_eq!(
                attr_special(&s),
                slow(&|b| matches!(b, b'&' | b'<' | b'"' | b'\t' | b'\n' | b'\r'))
            );
            assert_eq!(
                text_special(&s),
                slow(&|b| matches!(b, b'&' | b'<' | b'>' | b'\r'))
            );
            for q in [b'"', b'\'', 0, 0x80] {
                assert_eq!(
                    raw_attr_stop(&s, q),
                    slow(&|b| b == q || matches!(b, b'&' | b'<' | b'\t' | b'\n' | b'\r'))
                );
                assert_eq!(find_byte(&s, q), slow(&|b| b == q));
            }
            assert_eq!(
                raw_text_special(&s),
                slow(&|b| matches!(b, b'&' | b'\r' | b']'))
            );
        }
    }
}
