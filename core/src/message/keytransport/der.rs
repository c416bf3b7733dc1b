//! Just enough DER reading for the two places key references need it: the subjectPublicKey
//! bits of a SubjectPublicKeyInfo (RFC 3280 SKI method 1) and the `#hex` string values
//! that Java's RFC 2253 writer uses for attribute types it has no keyword for.
//!
//! Every read is bounds-checked and returns `None` on anything unexpected: the input may
//! come from a peer.

/// One tag-length-value.
pub(super) struct Tlv<'a> {
    /// The identifier octet (low-tag-number form only).
    pub tag: u8,
    /// The contents.
    pub value: &'a [u8],
}

const SEQUENCE: u8 = 0x30;
const BIT_STRING: u8 = 0x03;

/// Read one TLV from the start of `input`; return it and what follows.
pub(super) fn read(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None; // high-tag-number form: never needed here
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        // Long form; 0x80 (indefinite) is not DER, and 4 length octets cover any real input.
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let octets = rest.get(..n)?;
        let len = octets
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (len, rest.get(n..)?)
    };
    let value = rest.get(..len)?;
    Some((Tlv { tag, value }, rest.get(len..)?))
}

/// The subjectPublicKey bits (the BIT STRING contents after its unused-bits octet) of a
/// DER SubjectPublicKeyInfo: what RFC 3280 section 4.2.1.2 method 1 hashes into an SKI.
pub(super) fn spki_key_bits(spki: &[u8]) -> Option<&[u8]> {
    let (outer, _) = read(spki)?;
    if outer.tag != SEQUENCE {
        return None;
    }
    let (algorithm, rest) = read(outer.value)?;
    if algorithm.tag != SEQUENCE {
        return None;
    }
    let (bits, _) = read(rest)?;
    if bits.tag != BIT_STRING {
        return None;
    }
    let (&unused, key) = bits.value.split_first()?;
    (unused == 0).then_some(key)
}

/// The text of a DER-encoded directory string (UTF8String, PrintableString, IA5String,
/// T61String read as Latin-1, BMPString, UniversalString, NumericString, VisibleString).
pub(super) fn string_value(der: &[u8]) -> Option<String> {
    let (tlv, rest) = read(der)?;
    if !rest.is_empty() {
        return None;
    }
    let v = tlv.value;
    match tlv.tag {
        0x0c | 0x12 | 0x13 | 0x16 | 0x1a => String::from_utf8(v.to_vec()).ok(),
        0x14 => Some(v.iter().map(|&b| b as char).collect()),
        0x1e => utf16be(v),
        0x1c => utf32be(v),
        _ => None,
    }
}

fn utf16be(v: &[u8]) -> Option<String> {
    if !v.chunks_exact(2).remainder().is_empty() {
        return None;
    }
    let units: Vec<u16> = v
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

fn utf32be(v: &[u8]) -> Option<String> {
    if !v.chunks_exact(4).remainder().is_empty() {
        return None;
    }
    v.chunks_exact(4)
        .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let (t, rest) = read(&[0x04, 0x02, 1, 2, 9]).unwrap();
        assert_eq!((t.tag, t.value, rest), (0x04, &[1u8, 2][..], &[9u8][..]));
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(vec![7u8; 0x80]);
        assert_eq!(read(&long).unwrap().0.value.len(), 0x80);
    }

    #[test]
    fn refuses_truncated_and_odd_input() {
        for bad in [
            &[][..],
            &[0x04],
            &[0x04, 0x05, 1],
            &[0x1f, 0x01, 0],
            &[0x04, 0x80],
            &[0x04, 0x85, 1, 1, 1, 1, 1],
        ] {
            assert!(read(bad).is_none(), "{bad:?}");
        }
        assert!(spki_key_bits(&[0x30, 0x03, 0x30, 0x01]).is_none());
        assert!(spki_key_bits(&[0x30, 0x06, 0x30, 0x00, 0x03, 0x02, 0x01, 0xff]).is_none());
        assert_eq!(
            spki_key_bits(&[0x30, 0x06, 0x30, 0x00, 0x03, 0x02, 0x00, 0xab]),
            Some(&[0xab][..])
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            string_value(&[0x16, 0x05, b'a', b'@', b'b', b'.', b'c']).as_deref(),
            Some("a@b.c")
        );
        assert_eq!(
            string_value(&[0x1e, 0x02, 0x00, 0xfc]).as_deref(),
            Some("\u{fc}")
        );
        assert_eq!(string_value(&[0x14, 0x01, 0xfc]).as_deref(), Some("\u{fc}"));
        assert_eq!(
            string_value(&[0x1c, 0x04, 0, 0, 0, b'x']).as_deref(),
            Some("x")
        );
        assert!(string_value(&[0x02, 0x01, 0x05]).is_none());
        assert!(string_value(&[0x0c, 0x01, b'a', 0]).is_none());
        assert!(string_value(&[0x1e, 0x01, 0]).is_none());
    }
}
