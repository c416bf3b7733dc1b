//! The character escaping of Canonical XML 1.0 (section 2.3 of the C14N recommendation).
//!
//! Each function copies runs of plain bytes in one piece and only breaks the run at a
//! byte that needs a reference, so a megabyte of ordinary text costs one `put`.

use super::sink::Sink;

/// Text nodes: `&` `<` `>` and CR (a CR that survived parsing came from `&#xD;`).
pub fn text<S: Sink + ?Sized>(s: &str, out: &mut S) {
    escape(s, out, b"&<>\r");
}

/// Attribute values (and namespace URIs): `&` `<` `"` and the three white space characters
/// that attribute-value normalization would otherwise turn into spaces on re-parsing.
pub fn attr<S: Sink + ?Sized>(s: &str, out: &mut S) {
    escape(s, out, b"&<\"\t\n\r");
}

/// Comment and PI content: only CR, which a parser never leaves there but a tree built in
/// code might hold. libxml2 writes it as `&#xD;`; doing the same keeps the outputs equal.
pub fn cr_only<S: Sink + ?Sized>(s: &str, out: &mut S) {
    escape(s, out, b"\r");
}

/// The reference for a byte of one of the sets above.
fn reference(b: u8) -> &'static str {
    match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\t' => "&#x9;",
        b'\n' => "&#xA;",
        _ => "&#xD;",
    }
}

/// Width of the blocks [`next_special`] tests at once.
const BLOCK: usize = 16;

/// True when `block` holds a byte of `set`: one equality test per byte of the set over the
/// whole block, with no early exit, which the compiler turns into SIMD compares.
#[inline(always)]
fn block_has(block: &[u8; BLOCK], set: &[u8]) -> bool {
    let mut hit = false;
    for &c in set {
        hit |= block.iter().fold(false, |h, &b| h | (b == c));
    }
    hit
}

/// The index of the first byte at or after `from` that is in `set`. Text and URIs rarely
/// need escaping, so most of the time is spent skipping whole blocks here.
#[inline(always)]
fn next_special(bytes: &[u8], from: usize, set: &[u8]) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut skipped = 0;
    for chunk in rest.chunks_exact(BLOCK) {
        match <&[u8; BLOCK]>::try_from(chunk) {
            Ok(block) if !block_has(block, set) => skipped += BLOCK,
            _ => break,
        }
    }
    rest[skipped..]
        .iter()
        .position(|b| set.contains(b))
        .map(|k| from + skipped + k)
}

#[inline(always)]
fn escape<S: Sink + ?Sized>(s: &str, out: &mut S, set: &[u8]) {
    let bytes = s.as_bytes();
    let mut last = 0;
    while let Some(i) = next_special(bytes, last, set) {
        // Every byte that needs a reference is ASCII, so `i` and `i + 1` are char boundaries.
        if last < i {
            out.put(&s[last..i]);
        }
        out.put(reference(bytes[i]));
        last = i + 1;
    }
    if last < s.len() {
        out.put(&s[last..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut o = String::new();
        text("a&b<c>d\re\"f'\t\ng", &mut o);
        assert_eq!(o, "a&amp;b&lt;c&gt;d&#xD;e\"f'\t\ng");
        o.clear();
        attr("a&b<c>d\re\"f'\t\ng", &mut o);
        assert_eq!(o, "a&amp;b&lt;c>d&#xD;e&quot;f'&#x9;&#xA;g");
        o.clear();
        cr_only("x\r\ny&<", &mut o);
        assert_eq!(o, "x&#xD;\ny&<");
        o.clear();
        text("é€😀<", &mut o);
        assert_eq!(o, "é€😀&lt;");
    }

    #[test]
    fn long_runs_and_block_edges() {
        for len in 0..70 {
            for at in 0..=len {
                let mut src = "x".repeat(len);
                src.insert(at, '<');
                src.push('&');
                let mut o = String::new();
                text(&src, &mut o);
                assert_eq!(
                    o,
                    src.replace('&', "&amp;").replace('<', "&lt;"),
                    "len {len} at {at}"
                );
            }
        }
    }
}
