//! Distinguished names as text, for `ds:X509IssuerName`.
//!
//! Writing follows RFC 2253 the way OpenSSL's `-nameopt RFC2253` (and so xmlsec1) and
//! Java's `X500Principal.getName()` (and so WSS4J) print common names: most specific RDN
//! first, `,` between RDNs, the RFC 2253 keywords, OpenSSL short names for the rest
//! (`emailAddress`), and the RFC's escapes. Non-ASCII characters are written as themselves.
//!
//! Reading never compares strings: peers disagree on spacing, keyword spelling (`E`,
//! `EMAILADDRESS`, an OID with a `#hex` DER value), case, escapes and even RDN order (.NET
//! has written both orders). So a written name is parsed into attribute type / value pairs
//! and compared with the certificate's name by type and by normalized value, in RFC 2253
//! order or in certificate order.

use super::der;
use openssl::asn1::{Asn1Object, Asn1ObjectRef};
use openssl::nid::Nid;
use openssl::x509::{X509NameEntryRef, X509NameRef};

/// Longest issuer name text we parse (real names are a few hundred characters).
const MAX_NAME_CHARS: usize = 8192;
/// Longest attribute type keyword or dotted OID we hand to OpenSSL.
const MAX_KEYWORD_CHARS: usize = 128;

/// RFC 2253 section 2.3 keywords, by NID.
const RFC2253_KEYWORDS: [(Nid, &str); 9] = [
    (Nid::COMMONNAME, "CN"),
    (Nid::LOCALITYNAME, "L"),
    (Nid::STATEORPROVINCENAME, "ST"),
    (Nid::ORGANIZATIONNAME, "O"),
    (Nid::ORGANIZATIONALUNITNAME, "OU"),
    (Nid::COUNTRYNAME, "C"),
    (Nid::STREETADDRESS, "STREET"),
    (Nid::DOMAINCOMPONENT, "DC"),
    (Nid::USERID, "UID"),
];

/// Keywords other writers use (.NET, Java, RFC 1779), upper-cased, by NID.
const ALIASES: [(&str, Nid); 23] = [
    ("CN", Nid::COMMONNAME),
    ("L", Nid::LOCALITYNAME),
    ("ST", Nid::STATEORPROVINCENAME),
    ("S", Nid::STATEORPROVINCENAME),
    ("O", Nid::ORGANIZATIONNAME),
    ("OU", Nid::ORGANIZATIONALUNITNAME),
    ("C", Nid::COUNTRYNAME),
    ("STREET", Nid::STREETADDRESS),
    ("DC", Nid::DOMAINCOMPONENT),
    ("UID", Nid::USERID),
    ("E", Nid::PKCS9_EMAILADDRESS),
    ("EMAIL", Nid::PKCS9_EMAILADDRESS),
    ("EMAILADDRESS", Nid::PKCS9_EMAILADDRESS),
    ("SERIALNUMBER", Nid::SERIALNUMBER),
    ("T", Nid::TITLE),
    ("TITLE", Nid::TITLE),
    ("SN", Nid::SURNAME),
    ("SURNAME", Nid::SURNAME),
    ("G", Nid::GIVENNAME),
    ("GN", Nid::GIVENNAME),
    ("GIVENNAME", Nid::GIVENNAME),
    ("DNQ", Nid::DNQUALIFIER),
    ("DNQUALIFIER", Nid::DNQUALIFIER),
];

/// An attribute type: a NID OpenSSL knows, or a dotted OID it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AttrType {
    Nid(i32),
    Oid(String),
}

/// One attribute type and value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ava {
    ty: AttrType,
    value: String,
}

/// The RFC 2253 text of `name`.
pub(super) fn rfc2253(name: &X509NameRef) -> String {
    let mut out = String::new();
    let entries: Vec<&X509NameEntryRef> = name.entries().collect();
    for (i, e) in entries.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&keyword(e.object()));
        out.push('=');
        escape(&entry_text(e), &mut out);
    }
    out
}

/// True when the written name `text` denotes `name`.
pub(super) fn matches(text: &str, name: &X509NameRef) -> bool {
    let Some(written) = parse(text) else {
        return false;
    };
    let cert: Vec<Ava> = name
        .entries()
        .map(|e| Ava {
            ty: type_of(e.object()),
            value: entry_text(e),
        })
        .collect();
    if written.len() != cert.len() {
        return false;
    }
    let same = |a: &Ava, b: &Ava| a.ty == b.ty && normalize(&a.value) == normalize(&b.value);
    written
        .iter()
        .zip(cert.iter().rev())
        .all(|(a, b)| same(a, b))
        || written.iter().zip(cert.iter()).all(|(a, b)| same(a, b))
}

fn keyword(obj: &Asn1ObjectRef) -> String {
    let nid = obj.nid();
    if let Some((_, k)) = RFC2253_KEYWORDS.iter().find(|(n, _)| *n == nid) {
        return (*k).to_string();
    }
    match nid.short_name() {
        Ok(s) if nid != Nid::UNDEF => s.to_string(),
        _ => obj.to_string(), // dotted OID for a type OpenSSL has no name for
    }
}

fn type_of(obj: &Asn1ObjectRef) -> AttrType {
    let nid = obj.nid();
    if nid == Nid::UNDEF {
        AttrType::Oid(obj.to_string())
    } else {
        AttrType::Nid(nid.as_raw())
    }
}

fn entry_text(e: &X509NameEntryRef) -> String {
    match e.data().to_string() {
        Ok(s) => s,
        Err(_) => String::from_utf8_lossy(e.data().as_slice()).into_owned(),
    }
}

/// Append `v` with the RFC 2253 section 2.4 escapes (control characters as `\XX`).
fn escape(v: &str, out: &mut String) {
    let last = v.chars().count().saturating_sub(1);
    for (i, c) in v.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
            out.push(c);
        } else if c.is_ascii_control() {
            out.push_str(&format!("\\{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
}

/// Case-folded, trimmed, inner white space collapsed: how directory matching rules compare.
fn normalize(v: &str) -> String {
    v.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn attr_type(keyword: &str) -> Option<AttrType> {
    let k = keyword.trim();
    if k.is_empty() || k.chars().count() > MAX_KEYWORD_CHARS {
        return None;
    }
    let upper = k.to_ascii_uppercase();
    if let Some((_, nid)) = ALIASES.iter().find(|(a, _)| *a == upper) {
        return Some(AttrType::Nid(nid.as_raw()));
    }
    // RFC 1779's "OID.2.5.4.3" spelling of a dotted type.
    let k = if upper.starts_with("OID.") {
        k.get(4..).unwrap_or(k)
    } else {
        k
    };
    let obj = Asn1Object::from_str(k).ok()?;
    Some(type_of(&obj))
}

/// Parse RFC 2253 text (tolerating RFC 1779 `;` separators, quotes and spaces); `+`
/// (multi-valued RDNs) is flattened, as OpenSSL's entry list is. None when malformed.
fn parse(text: &str) -> Option<Vec<Ava>> {
    let chars: Vec<char> = text.chars().take(MAX_NAME_CHARS + 1).collect();
    if chars.len() > MAX_NAME_CHARS {
        return None;
    }
    let mut p = Cursor { chars, pos: 0 };
    let mut out = Vec::new();
    p.skip_ws();
    if p.peek().is_none() {
        return Some(out);
    }
    loop {
        let ty = attr_type(&p.keyword()?)?;
        let value = p.value()?;
        out.push(Ava { ty, value });
        p.skip_ws();
        match p.next() {
            None => return Some(out),
            Some(',' | ';' | '+') => p.skip_ws(),
            Some(_) => return None,
        }
    }
}

struct Cursor {
    chars: Vec<char>,
    pos: usize,
}

impl Cursor {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// The attribute type up to and including `=` (which is consumed, not returned).
    fn keyword(&mut self) -> Option<String> {
        let mut k = String::new();
        loop {
            match self.next()? {
                '=' => return Some(k),
                ',' | ';' | '+' | '"' | '\\' => return None,
                c => k.push(c),
            }
        }
    }

    fn value(&mut self) -> Option<String> {
        self.skip_ws();
        match self.peek() {
            Some('"') => {
                self.pos += 1;
                self.quoted()
            }
            Some('#') => {
                self.pos += 1;
                self.hex_der()
            }
            _ => self.plain(),
        }
    }

    /// `#` followed by the hex of a DER string.
    fn hex_der(&mut self) -> Option<String> {
        let mut bytes = Vec::new();
        while let Some(h) = self.peek().and_then(|c| c.to_digit(16)) {
            self.pos += 1;
            let l = self.next()?.to_digit(16)?;
            bytes.push((h * 16 + l) as u8);
        }
        der::string_value(&bytes)
    }

    /// A value in double quotes: everything literal except `\` escapes.
    fn quoted(&mut self) -> Option<String> {
        let mut bytes = Vec::new();
        loop {
            match self.next()? {
                '"' => return String::from_utf8(bytes).ok(),
                '\\' => self.escaped(&mut bytes)?,
                c => push_char(c, &mut bytes),
            }
        }
    }

    /// An unquoted value up to the next unescaped separator; unescaped trailing white
    /// space is not part of it.
    fn plain(&mut self) -> Option<String> {
        let mut bytes = Vec::new();
        let mut significant = 0;
        while let Some(c) = self.peek() {
            if matches!(c, ',' | ';' | '+') {
                break;
            }
            self.pos += 1;
            if c == '\\' {
                self.escaped(&mut bytes)?;
                significant = bytes.len();
            } else {
                push_char(c, &mut bytes);
                if !c.is_whitespace() {
                    significant = bytes.len();
                }
            }
        }
        bytes.truncate(significant);
        String::from_utf8(bytes).ok()
    }

    /// After a `\`: a special character, or two hex digits naming one byte (UTF-8 split
    /// over several escapes, as OpenSSL writes non-ASCII text).
    fn escaped(&mut self, bytes: &mut Vec<u8>) -> Option<()> {
        let c = self.next()?;
        match (c.to_digit(16), self.peek().and_then(|d| d.to_digit(16))) {
            (Some(h), Some(l)) => {
                self.pos += 1;
                bytes.push((h * 16 + l) as u8);
            }
            _ => push_char(c, bytes),
        }
        Some(())
    }
}

fn push_char(c: char, bytes: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::x509::X509Name;

    fn name(parts: &[(&str, &str)]) -> X509Name {
        let mut b = X509Name::builder().unwrap();
        for (k, v) in parts {
            b.append_entry_by_text(k, v).unwrap();
        }
        b.build()
    }

    fn sample() -> X509Name {
        name(&[
            ("C", "US"),
            ("O", "Acme, Inc."),
            ("OU", "R+D"),
            ("CN", " #Test Zürich "),
            ("emailAddress", "a@b.c"),
            ("DC", "ex"),
        ])
    }

    #[test]
    fn writes_rfc2253() {
        assert_eq!(
            rfc2253(&sample()),
            r"DC=ex,emailAddress=a@b.c,CN=\ #Test Zürich\ ,OU=R\+D,O=Acme\, Inc.,C=US"
        );
        assert_eq!(rfc2253(&name(&[("CN", "#x\u{1}")])), r"CN=\#x\01");
        assert_eq!(rfc2253(&name(&[])), "");
    }

    #[test]
    fn matches_what_other_writers_write() {
        let n = sample();
        for text in [
            rfc2253(&n).as_str(),
            r"DC=ex, E=A@B.C, CN=\ \#Test Z\C3\BCrich\ , OU=R\+D, O=Acme\, Inc., C=US",
            r#"dc=ex;EMAILADDRESS=a@b.c;cn=" #Test Zürich ";ou="R+D";o="Acme, Inc.";c=us"#,
            r"DC=ex,1.2.840.113549.1.9.1=#16056140622e63,CN=\ \#Test Zürich\ ,OU=R\+D,O=Acme\, Inc.,C=US",
            r"C=US, O=Acme\, Inc., OU=R\+D, CN=\#Test  Zürich, emailAddress=a@b.c, OID.0.9.2342.19200300.100.1.25=ex",
        ] {
            assert!(matches(text, &n), "{text}");
        }
    }

    #[test]
    fn refuses_other_names_and_garbage() {
        let n = sample();
        for text in [
            "",
            "CN=Test",
            r"DC=ex,emailAddress=a@b.c,CN=Other,OU=R\+D,O=Acme\, Inc.,C=US",
            r"DC=ex,emailAddress=a@b.c,CN=\ \#Test Zürich\ ,OU=R\+D,O=Acme\, Inc.,C=US,C=US",
            r"DC=ex,emailAddress=a@b.c,O=Acme\, Inc.,CN=\ \#Test Zürich\ ,OU=R\+D,C=US",
            "=x",
            "CN",
            "CN=\"unterminated",
            "CN=a\\",
            "NOPE=1",
            "CN=#zz",
            "CN=\\FF",
        ] {
            assert!(!matches(text, &n), "{text}");
        }
        assert!(matches("  ", &name(&[])));
    }

    #[test]
    fn arbitrary_text_never_panics() {
        let n = sample();
        let alphabet: Vec<char> = r#"CN=,;+"\#0aF é "#.chars().collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let mut s = String::new();
            for _ in 0..(x % 40) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let _ = matches(&s, &n);
            x = x.wrapping_add(1);
        }
    }
}
