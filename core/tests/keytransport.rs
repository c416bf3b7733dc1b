//! xenc:EncryptedKey with RSA-OAEP and RSA-1.5 key transport: round trips for every
//! algorithm and reference kind, the attacks a receiver must survive (tampering, wrong
//! keys, Bleichenbacher probing, malformed and mutated XML), documents shaped as WCF and
//! WSS4J write them, and interop with xmlsec1 in both directions.

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::SubjectKeyIdentifier;
use openssl::x509::{X509Name, X509};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use wssx::message::keytransport::{
    computed_ski, decrypt_data, decrypt_data_with_key, EncryptedKey, EphemeralKey, KeyResolver,
    KeyTransportAlgorithm, ReferenceKind, X509Reference, THUMBPRINT_SHA1, X509_SKI, X509_V3,
};
use wssx::message::EncryptionAlgorithm;
use wssx::xml::{self, Element};
use wssx::{ErrorKind, Secret};

const OAEP: KeyTransportAlgorithm = KeyTransportAlgorithm::RsaOaepMgf1p;
const RSA15: KeyTransportAlgorithm = KeyTransportAlgorithm::Rsa15;
const ALGS: [KeyTransportAlgorithm; 2] = [OAEP, RSA15];
const KINDS: [ReferenceKind; 4] = [
    ReferenceKind::Thumbprint,
    ReferenceKind::IssuerSerial,
    ReferenceKind::SubjectKeyIdentifier,
    ReferenceKind::Embedded,
];
/// The fixture certificate's issuer as `openssl x509 -nameopt RFC2253` prints it.
const FIXTURE_ISSUER: &str = r"DC=example,emailAddress=recipient@example.org,CN=wssx Test Recipient,OU=R\+D,O=Acme\, Inc.,C=US";
const FIXTURE_SERIAL: &str = "398828464947729072452595917108787065846320981697";
const FIXTURE_SHA1: &str = "236c3217b2da52bfef3918ea3ef2f80fa6906726";
const FIXTURE_SKI: &str = "571ca274753a97bde4e4e9391e2d68d35aeac1df";

// ---------------------------------------------------------------------------------------
// Identities

struct Identity {
    cert: X509,
    key: PKey<Private>,
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keytransport")
        .join(name)
}

fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The committed fixture pair (the one the static interop documents are encrypted to).
fn recipient() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| Identity {
        cert: X509::from_pem(&read_fixture("recipient-cert.pem")).unwrap(),
        key: PKey::private_key_from_pem(&read_fixture("recipient-key.pem")).unwrap(),
    })
}

fn self_signed(key: &PKey<Private>, cn: &str, serial: u32, with_ski: bool) -> X509 {
    let mut name = X509Name::builder().unwrap();
    name.append_entry_by_text("O", "Example Org").unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&Asn1Integer::from_bn(&BigNum::from_u32(serial).unwrap()).unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(365).unwrap())
        .unwrap();
    if with_ski {
        let ext = SubjectKeyIdentifier::new()
            .build(&b.x509v3_context(None, None))
            .unwrap();
        b.append_extension(ext).unwrap();
    }
    b.sign(key, MessageDigest::sha256()).unwrap();
    b.build()
}

fn generated(cn: &str, serial: u32, with_ski: bool) -> Identity {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    Identity {
        cert: self_signed(&key, cn, serial, with_ski),
        key,
    }
}

/// A second party: another key, another certificate (with an SKI extension).
fn other() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| generated("Other Party", 7, true))
}

/// A certificate without the SKI extension.
fn no_ski() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| generated("No SKI", 8, false))
}

fn resolver_of(ids: &[&Identity]) -> KeyResolver {
    let mut r = KeyResolver::new();
    for id in ids {
        r.add(id.cert.clone(), id.key.clone()).unwrap();
    }
    r
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn key32() -> Secret {
    Secret::new((0u8..32).collect())
}

// ---------------------------------------------------------------------------------------
// Algorithms, references

#[test]
fn algorithm_uris_round_trip() {
    for a in ALGS {
        assert_eq!(KeyTransportAlgorithm::from_uri(a.uri()).unwrap(), a);
    }
    assert_eq!(
        OAEP.uri(),
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
    );
    assert_eq!(RSA15.uri(), "http://www.w3.org/2001/04/xmlenc#rsa-1_5");
    let e =
        KeyTransportAlgorithm::from_uri("http://www.w3.org/2009/xmlenc11#rsa-oaep").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Crypto);
}

#[test]
fn references_computed_from_the_certificate() {
    let r = recipient();
    assert_eq!(
        X509Reference::thumbprint(&r.cert).unwrap(),
        X509Reference::Thumbprint(hex_bytes(FIXTURE_SHA1))
    );
    assert_eq!(
        X509Reference::issuer_serial(&r.cert).unwrap(),
        X509Reference::IssuerSerial {
            issuer: FIXTURE_ISSUER.into(),
            serial: FIXTURE_SERIAL.into()
        }
    );
    assert_eq!(
        X509Reference::ski(&r.cert).unwrap(),
        X509Reference::SubjectKeyIdentifier(hex_bytes(FIXTURE_SKI))
    );
    assert_eq!(
        X509Reference::embedded(&r.cert).unwrap(),
        X509Reference::Embedded(r.cert.to_der().unwrap())
    );
    for k in KINDS {
        assert_eq!(X509Reference::new(k, &r.cert).unwrap().kind(), k);
    }
}

fn hex_bytes(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn issuer_name_is_what_openssl_prints() {
    // Cross-check the RFC 2253 writer with the openssl command line on a fresh certificate.
    let id = other();
    let dir = scratch("issuer-name");
    let pem = dir.join("cert.pem");
    std::fs::write(&pem, id.cert.to_pem().unwrap()).unwrap();
    for (cert, path) in [
        (&id.cert, pem),
        (&recipient().cert, fixture("recipient-cert.pem")),
    ] {
        let out = Command::new("openssl")
            .args(["x509", "-noout", "-issuer", "-nameopt", "RFC2253", "-in"])
            .arg(&path)
            .output()
            .expect("openssl command line");
        let printed = String::from_utf8(out.stdout).unwrap();
        let printed = printed.trim().trim_start_matches("issuer=");
        let X509Reference::IssuerSerial { issuer, .. } =
            X509Reference::issuer_serial(cert).unwrap()
        else {
            unreachable!()
        };
        assert_eq!(issuer, printed);
    }
}

#[test]
fn ski_is_rfc3280_method_1_when_the_extension_is_absent() {
    let id = no_ski();
    assert!(id.cert.subject_key_id().is_none());
    // OpenSSL's `subjectKeyIdentifier=hash` is method 1: a certificate for the same key
    // with the extension carries the value we compute.
    let twin = self_signed(&id.key, "Twin", 9, true);
    let ext = twin.subject_key_id().unwrap().as_slice().to_vec();
    assert_eq!(computed_ski(&id.cert).unwrap(), ext);
    assert_eq!(
        X509Reference::ski(&id.cert).unwrap(),
        X509Reference::SubjectKeyIdentifier(ext.clone())
    );
    assert!(X509Reference::SubjectKeyIdentifier(ext.clone()).matches(&id.cert));
    assert!(X509Reference::SubjectKeyIdentifier(ext).matches(&twin));
    // And for the fixture, the computed value equals its extension.
    assert_eq!(hex(&computed_ski(&recipient().cert).unwrap()), FIXTURE_SKI);
}

#[test]
fn references_match_only_their_certificate() {
    let (a, b) = (recipient(), other());
    for k in KINDS {
        let ra = X509Reference::new(k, &a.cert).unwrap();
        assert!(ra.matches(&a.cert), "{k:?}");
        assert!(!ra.matches(&b.cert), "{k:?}");
        assert!(!ra.matches(&no_ski().cert), "{k:?}");
    }
    // Same issuer, another serial; same serial, another issuer.
    let wrong_serial = X509Reference::IssuerSerial {
        issuer: FIXTURE_ISSUER.into(),
        serial: "1".into(),
    };
    assert!(!wrong_serial.matches(&a.cert));
    let wrong_issuer = X509Reference::IssuerSerial {
        issuer: "CN=wssx Test Recipient".into(),
        serial: FIXTURE_SERIAL.into(),
    };
    assert!(!wrong_issuer.matches(&a.cert));
}

#[test]
fn issuer_names_match_as_names_not_strings() {
    let cert = &recipient().cert;
    let serial = FIXTURE_SERIAL.to_string();
    let same = [
        FIXTURE_ISSUER.to_string(),
        // Java's X500Principal.getName(): e-mail as an OID with a #hex DER value.
        r"DC=example,1.2.840.113549.1.9.1=#1615726563697069656e74406578616d706c652e6f7267,CN=wssx Test Recipient,OU=R\+D,O=Acme\, Inc.,C=US".into(),
        // .NET: spaces after commas, E= for e-mail.
        r"DC=example, E=recipient@example.org, CN=wssx Test Recipient, OU=R\+D, O=Acme\, Inc., C=US".into(),
        // Certificate order, RFC 1779 quoting and separators, other case.
        r#"c=us; o="Acme, Inc."; ou="R+D"; cn=WSSX TEST RECIPIENT; emailAddress=Recipient@Example.org; dc=example"#.into(),
        // Hex-escaped characters.
        r"DC=example,emailAddress=recipient@example.org,CN=wssx\20Test Recipient,OU=R\2BD,O=Acme\2C Inc.,C=US".into(),
    ];
    for issuer in same {
        assert!(
            X509Reference::IssuerSerial {
                issuer: issuer.clone(),
                serial: serial.clone()
            }
            .matches(cert),
            "{issuer}"
        );
    }
    let different = [
        r"DC=example,emailAddress=recipient@example.org,CN=wssx Test Recipient,OU=R\+D,O=Acme,C=US",
        r"emailAddress=recipient@example.org,CN=wssx Test Recipient,OU=R\+D,O=Acme\, Inc.,C=US",
        r"DC=example,emailAddress=recipient@example.org,CN=wssx Test Recipient,OU=R\+D,O=Acme\, Inc.,C=DE",
        r"DC=example,CN=recipient@example.org,CN=wssx Test Recipient,OU=R\+D,O=Acme\, Inc.,C=US",
        "not a name",
        "",
    ];
    for issuer in different {
        assert!(
            !X509Reference::IssuerSerial {
                issuer: issuer.into(),
                serial: serial.clone()
            }
            .matches(cert),
            "{issuer}"
        );
    }
    for bad_serial in ["", "abc", "0x45DC", "1 2"] {
        let r = X509Reference::IssuerSerial {
            issuer: FIXTURE_ISSUER.into(),
            serial: bad_serial.into(),
        };
        assert!(!r.matches(cert), "{bad_serial}");
    }
}

// ---------------------------------------------------------------------------------------
// Round trips

#[test]
fn round_trip_every_algorithm_and_reference() {
    let r = recipient();
    let resolver = resolver_of(&[other(), r]);
    for alg in ALGS {
        for kind in KINDS {
            let key = Secret::random(32).unwrap();
            let mut ek = EncryptedKey::encrypt_key(&key, &r.cert, alg, kind).unwrap();
            ek.id = Some("newProof".into());
            ek.reference_list = vec!["#ED-1".into(), "#ED-2".into()];
            ek.carried_key_name = Some("proof key".into());
            ek.recipient_name = Some("urn:example:service".into());
            let text = ek.to_xml();
            let back = EncryptedKey::from_xml(text.as_bytes()).unwrap();
            assert_eq!(back, ek, "{alg:?} {kind:?}\n{text}");
            assert_eq!(back.decrypt(&r.key).unwrap(), key);
            assert_eq!(back.decrypt_expecting(&r.key, 32).unwrap(), key);
            assert_eq!(resolver.decrypt(&back).unwrap(), key);
            assert_eq!(resolver.decrypt_expecting(&back, 32).unwrap(), key);
            assert_eq!(
                resolver
                    .decrypt_element(&xml::parse(text.as_bytes()).unwrap().root)
                    .unwrap(),
                key
            );
        }
    }
}

#[test]
fn keys_of_every_usual_size_travel() {
    let r = recipient();
    for alg in ALGS {
        for len in [1usize, 16, 24, 32, 64, 128] {
            let key = Secret::random(len).unwrap();
            let ek =
                EncryptedKey::encrypt_key(&key, &r.cert, alg, ReferenceKind::Thumbprint).unwrap();
            assert_eq!(ek.cipher.len(), 256);
            assert_eq!(ek.decrypt_expecting(&r.key, len).unwrap(), key);
        }
        // OAEP-SHA1 fits 214 bytes in a 2048-bit key, PKCS#1 v1.5 245; beyond is refused.
        let too_long = Secret::new(vec![1; 250]);
        let e = EncryptedKey::encrypt_key(&too_long, &r.cert, alg, ReferenceKind::Thumbprint)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let e =
            EncryptedKey::encrypt_key(&Secret::default(), &r.cert, alg, ReferenceKind::Thumbprint)
                .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
}

#[test]
fn written_form_is_what_wcf_and_wss4j_write() {
    let r = recipient();
    let key = key32();
    let oaep = EncryptedKey::encrypt_key(&key, &r.cert, OAEP, ReferenceKind::Thumbprint).unwrap();
    let el = oaep.to_element();
    let names: Vec<String> = el.elements().map(|c| c.local.to_string()).collect();
    assert_eq!(names, ["EncryptionMethod", "KeyInfo", "CipherData"]);
    let m = el.find(wssx::ns::XENC, "EncryptionMethod").unwrap();
    assert_eq!(m.attr(None, "Algorithm"), Some(OAEP.uri()));
    let d = m
        .find(wssx::ns::DS, "DigestMethod")
        .expect("WCF writes ds:DigestMethod for OAEP");
    assert_eq!(
        d.attr(None, "Algorithm"),
        Some("http://www.w3.org/2000/09/xmldsig#sha1")
    );
    let str_el = el
        .find(wssx::ns::DS, "KeyInfo")
        .unwrap()
        .find(wssx::ns::WSSE, "SecurityTokenReference")
        .unwrap();
    let ki = str_el.find(wssx::ns::WSSE, "KeyIdentifier").unwrap();
    assert_eq!(ki.attr(None, "ValueType"), Some(THUMBPRINT_SHA1));
    assert_eq!(
        ki.attr(None, "EncodingType"),
        Some(wssx::ns::BASE64_ENCODING)
    );
    assert_eq!(
        xml::decode_base64(&ki.text()).unwrap(),
        hex_bytes(FIXTURE_SHA1)
    );

    let r15 = EncryptedKey::encrypt_key(&key, &r.cert, RSA15, ReferenceKind::IssuerSerial).unwrap();
    let text = r15.to_xml();
    assert!(!text.contains("DigestMethod"), "{text}");
    let el = r15.to_element();
    let is = el
        .find(wssx::ns::DS, "KeyInfo")
        .and_then(|k| k.find(wssx::ns::WSSE, "SecurityTokenReference"))
        .and_then(|s| s.find(wssx::ns::DS, "X509Data"))
        .and_then(|x| x.find(wssx::ns::DS, "X509IssuerSerial"))
        .expect("STR/ds:X509Data/ds:X509IssuerSerial");
    assert_eq!(
        is.find(wssx::ns::DS, "X509IssuerName").unwrap().text(),
        FIXTURE_ISSUER
    );
    assert_eq!(
        is.find(wssx::ns::DS, "X509SerialNumber").unwrap().text(),
        FIXTURE_SERIAL
    );

    for (kind, vt) in [
        (ReferenceKind::SubjectKeyIdentifier, X509_SKI),
        (ReferenceKind::Embedded, X509_V3),
    ] {
        let ek = EncryptedKey::encrypt_key(&key, &r.cert, OAEP, kind).unwrap();
        assert!(
            ek.to_xml().contains(&format!("ValueType=\"{vt}\"")),
            "{kind:?}"
        );
    }
    // Written standalone, the element parses on its own (every prefix declared).
    for ek in [oaep, r15] {
        assert!(xml::parse(ek.to_xml().as_bytes()).is_ok());
    }
}

#[test]
fn encrypted_key_sha1_is_the_hash_of_the_cipher() {
    let ek =
        EncryptedKey::encrypt_key(&key32(), &recipient().cert, OAEP, ReferenceKind::Thumbprint)
            .unwrap();
    let want = openssl::hash::hash(MessageDigest::sha1(), &ek.cipher)
        .unwrap()
        .to_vec();
    assert_eq!(ek.encrypted_key_sha1().unwrap(), want);
}

#[test]
fn oaep_params_are_the_oaep_label() {
    let r = recipient();
    let pk = r.cert.public_key().unwrap();
    let recipient_ref = X509Reference::thumbprint(&r.cert).ok();
    let ek = EncryptedKey::encrypt_with_oaep_params(&key32(), &pk, b"wssx label", recipient_ref)
        .unwrap();
    let text = ek.to_xml();
    assert!(text.contains("OAEPparams"), "{text}");
    let back = EncryptedKey::from_xml(text.as_bytes()).unwrap();
    assert_eq!(back.oaep_params.as_deref(), Some(&b"wssx label"[..]));
    assert_eq!(back.decrypt(&r.key).unwrap(), key32());
    let mut other_label = back.clone();
    other_label.oaep_params = Some(b"another".to_vec());
    assert_eq!(
        other_label.decrypt(&r.key).unwrap_err().kind(),
        ErrorKind::FailedAuthentication
    );
    other_label.oaep_params = None;
    assert_eq!(
        other_label.decrypt(&r.key).unwrap_err().kind(),
        ErrorKind::FailedAuthentication
    );
}

#[test]
fn an_encrypted_key_without_key_info() {
    let r = recipient();
    let pk = r.cert.public_key().unwrap();
    let ek = EncryptedKey::encrypt_to(&key32(), &pk, OAEP, None).unwrap();
    let text = ek.to_xml();
    assert!(!text.contains("KeyInfo"));
    let back = EncryptedKey::from_xml(text.as_bytes()).unwrap();
    assert_eq!(back.recipient, None);
    // One key held: it is the one. Two: the receiver cannot tell, and says so.
    assert_eq!(resolver_of(&[r]).decrypt(&back).unwrap(), key32());
    let e = resolver_of(&[r, other()]).decrypt(&back).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSecurityToken);
}

// ---------------------------------------------------------------------------------------
// Attacks and failures

fn tamper(ek: &EncryptedKey, at: usize) -> EncryptedKey {
    let mut t = ek.clone();
    let i = at % t.cipher.len();
    t.cipher[i] ^= 0x5a;
    t
}

#[test]
fn tampered_oaep_cipher_is_an_error() {
    let r = recipient();
    let ek = EncryptedKey::encrypt_key(&key32(), &r.cert, OAEP, ReferenceKind::Thumbprint).unwrap();
    for at in [0, 1, 100, 255] {
        let t = tamper(&ek, at);
        assert_eq!(
            t.decrypt(&r.key).unwrap_err().kind(),
            ErrorKind::FailedAuthentication
        );
        assert_eq!(
            t.decrypt_expecting(&r.key, 32).unwrap_err().kind(),
            ErrorKind::FailedAuthentication
        );
    }
    let mut short = ek.clone();
    short.cipher.truncate(100);
    assert_eq!(
        short.decrypt(&r.key).unwrap_err().kind(),
        ErrorKind::FailedAuthentication
    );
}

#[test]
fn tampered_rsa15_cipher_yields_a_random_key_not_an_error() {
    let r = recipient();
    let key = key32();
    let ek = EncryptedKey::encrypt_key(&key, &r.cert, RSA15, ReferenceKind::Thumbprint).unwrap();
    let mut fresh = 0;
    for at in [0, 1, 2, 100, 200, 255] {
        let t = tamper(&ek, at);
        let a = t.decrypt_expecting(&r.key, 32).expect("no padding oracle");
        let b = t.decrypt_expecting(&r.key, 32).expect("no padding oracle");
        assert_eq!(a.len(), 32);
        assert_ne!(a, key, "tampered at {at}");
        fresh += usize::from(a != b);
        // Without an expected length the caller opted out of the countermeasure: an error,
        // or (OpenSSL 3.2+ implicit rejection) a synthetic message that is not the key.
        match t.decrypt(&r.key) {
            Err(e) => assert_eq!(e.kind(), ErrorKind::FailedAuthentication),
            Ok(k) => assert_ne!(k, key),
        }
    }
    // A fresh random key each time (OpenSSL 3.2+ may instead return its deterministic
    // synthetic key when that happens to have the expected length; rarely).
    assert!(fresh >= 4, "{fresh}");
    // Cipher text of the wrong size: also a random key.
    let mut short = ek.clone();
    short.cipher.truncate(100);
    assert_eq!(short.decrypt_expecting(&r.key, 32).unwrap().len(), 32);
}

#[test]
fn a_key_of_the_wrong_length() {
    let r = recipient();
    let k16 = Secret::random(16).unwrap();
    let r15 = EncryptedKey::encrypt_key(&k16, &r.cert, RSA15, ReferenceKind::Thumbprint).unwrap();
    let got = r15.decrypt_expecting(&r.key, 32).unwrap();
    assert_eq!(got.len(), 32);
    assert_ne!(&got.expose()[..16], k16.expose());
    let oaep = EncryptedKey::encrypt_key(&k16, &r.cert, OAEP, ReferenceKind::Thumbprint).unwrap();
    assert_eq!(
        oaep.decrypt_expecting(&r.key, 32).unwrap_err().kind(),
        ErrorKind::FailedAuthentication
    );
    assert_eq!(
        oaep.decrypt_expecting(&r.key, 0).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn the_wrong_private_key() {
    let (r, o) = (recipient(), other());
    let key = key32();
    let oaep = EncryptedKey::encrypt_key(&key, &r.cert, OAEP, ReferenceKind::Thumbprint).unwrap();
    assert_eq!(
        oaep.decrypt(&o.key).unwrap_err().kind(),
        ErrorKind::FailedAuthentication
    );
    let r15 = EncryptedKey::encrypt_key(&key, &r.cert, RSA15, ReferenceKind::Thumbprint).unwrap();
    assert_ne!(r15.decrypt_expecting(&o.key, 32).unwrap(), key);
    // A resolver without the recipient's key names the reference it could not satisfy.
    for kind in KINDS {
        let ek = EncryptedKey::encrypt_key(&key, &r.cert, OAEP, kind).unwrap();
        let e = resolver_of(&[o, no_ski()]).decrypt(&ek).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidSecurityToken, "{kind:?}");
        assert!(e.message().contains("certificate"), "{e}");
    }
}

#[test]
fn the_resolver_picks_the_named_key() {
    let ids = [other(), no_ski(), recipient()];
    let resolver = resolver_of(&ids);
    assert_eq!(resolver.len(), 3);
    for id in ids {
        for kind in KINDS {
            let key = Secret::random(24).unwrap();
            let ek = EncryptedKey::encrypt_key(&key, &id.cert, RSA15, kind).unwrap();
            let (cert, _) = resolver.find(ek.recipient.as_ref().unwrap()).unwrap();
            assert_eq!(cert.to_der().unwrap(), id.cert.to_der().unwrap());
            assert_eq!(resolver.decrypt_expecting(&ek, 24).unwrap(), key);
        }
    }
    let mut r = KeyResolver::new();
    assert!(r.is_empty());
    let e = r
        .add(recipient().cert.clone(), other().key.clone())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let shown = format!("{resolver:?}");
    assert!(
        shown.contains(FIXTURE_SHA1) && !shown.contains("PRIVATE"),
        "{shown}"
    );
    assert!(KeyResolver::with(other().cert.clone(), other().key.clone()).is_ok());
}

fn valid_oaep_xml() -> String {
    let mut ek = EncryptedKey::encrypt_key(
        &key32(),
        &recipient().cert,
        OAEP,
        ReferenceKind::IssuerSerial,
    )
    .unwrap();
    ek.reference_list = vec!["#ED-1".into()];
    ek.to_xml()
}

#[test]
fn malformed_encrypted_keys_are_typed_errors() {
    const XENC: &str = r#"xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd""#;
    let oaep =
        r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>"#;
    let cd = "<xenc:CipherData><xenc:CipherValue>AAECAw==</xenc:CipherValue></xenc:CipherData>";
    let str_ki = |inner: &str| {
        format!("<ds:KeyInfo><wsse:SecurityTokenReference>{inner}</wsse:SecurityTokenReference></ds:KeyInfo>")
    };
    let kid = |vt: &str, v: &str| {
        str_ki(&format!(
            r#"<wsse:KeyIdentifier ValueType="{vt}">{v}</wsse:KeyIdentifier>"#
        ))
    };
    let ek = |body: String| format!("<xenc:EncryptedKey {XENC}>{body}</xenc:EncryptedKey>");
    use ErrorKind::*;
    let cases: Vec<(String, ErrorKind, &str)> = vec![
        (format!("<xenc:EncryptedData {XENC}/>"), InvalidSecurityToken, "xenc:EncryptedData"),
        (ek(cd.into()), InvalidSecurityToken, "xenc:EncryptedKey/xenc:EncryptionMethod"),
        (ek(format!("<xenc:EncryptionMethod/>{cd}")), InvalidSecurityToken, "xenc:EncryptedKey/xenc:EncryptionMethod/@Algorithm"),
        (ek(format!(r#"<xenc:EncryptionMethod Algorithm="urn:nope"/>{cd}"#)), Crypto, "xenc:EncryptedKey/xenc:EncryptionMethod"),
        (ek(format!("{oaep}{oaep}{cd}")), InvalidSecurityToken, "xenc:EncryptedKey/xenc:EncryptionMethod"),
        (
            ek(format!(r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/></xenc:EncryptionMethod>{cd}"#)),
            Crypto,
            "xenc:EncryptedKey/xenc:EncryptionMethod/ds:DigestMethod",
        ),
        (
            ek(format!(r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><xenc:OAEPparams>!!</xenc:OAEPparams></xenc:EncryptionMethod>{cd}"#)),
            InvalidSecurityToken,
            "xenc:EncryptedKey/xenc:EncryptionMethod/xenc:OAEPparams",
        ),
        (ek(oaep.into()), InvalidSecurityToken, "xenc:EncryptedKey/xenc:CipherData"),
        (ek(format!("{oaep}<xenc:CipherData/>")), InvalidSecurityToken, "xenc:EncryptedKey/xenc:CipherData/xenc:CipherValue"),
        (
            ek(format!("{oaep}<xenc:CipherData><xenc:CipherValue>not base64!</xenc:CipherValue></xenc:CipherData>")),
            InvalidSecurityToken,
            "xenc:EncryptedKey/xenc:CipherData/xenc:CipherValue",
        ),
        (
            ek(format!("{oaep}<xenc:CipherData><xenc:CipherValue> </xenc:CipherValue></xenc:CipherData>")),
            InvalidSecurityToken,
            "xenc:EncryptedKey/xenc:CipherData/xenc:CipherValue",
        ),
        (
            ek(format!("{oaep}<xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData>", "QUFB".repeat(800))),
            LimitExceeded,
            "xenc:EncryptedKey/xenc:CipherData/xenc:CipherValue",
        ),
        (
            ek(format!(r#"{oaep}<xenc:CipherData><xenc:CipherReference URI="http://example.org/k"/></xenc:CipherData>"#)),
            InvalidSecurityToken,
            "xenc:EncryptedKey/xenc:CipherData/xenc:CipherReference",
        ),
        (ek(format!("{oaep}<ds:KeyInfo/>{cd}")), InvalidSecurityToken, "xenc:EncryptedKey/ds:KeyInfo"),
        (ek(format!("{oaep}<ds:KeyInfo><ds:KeyName>k</ds:KeyName></ds:KeyInfo>{cd}")), InvalidSecurityToken, "xenc:EncryptedKey/ds:KeyInfo"),
        (ek(format!("{oaep}{}{}{cd}", str_ki(""), str_ki(""))), InvalidSecurityToken, "xenc:EncryptedKey/ds:KeyInfo"),
        (
            ek(format!("{oaep}{}{cd}", kid(THUMBPRINT_SHA1, "AAEC"))),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo/wsse:SecurityTokenReference/wsse:KeyIdentifier",
        ),
        (
            ek(format!("{oaep}{}{cd}", kid("urn:other", "AAEC"))),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo/wsse:SecurityTokenReference/wsse:KeyIdentifier",
        ),
        (
            ek(format!("{oaep}{}{cd}", kid(X509_V3, "AAECAwQF"))),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo/wsse:SecurityTokenReference/wsse:KeyIdentifier",
        ),
        (
            ek(format!("{oaep}{}{cd}", kid(X509_SKI, "%%%"))),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo/wsse:SecurityTokenReference/wsse:KeyIdentifier",
        ),
        (
            ek(format!("{oaep}{}{cd}", str_ki(r##"<wsse:Reference URI="#bst-1"/>"##))),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo/wsse:SecurityTokenReference/wsse:Reference",
        ),
        (
            ek(format!(
                "{oaep}{}{cd}",
                str_ki("<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=x</ds:X509IssuerName></ds:X509IssuerSerial></ds:X509Data>")
            )),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo/wsse:SecurityTokenReference/ds:X509Data/ds:X509IssuerSerial/ds:X509SerialNumber",
        ),
        (
            ek(format!(
                "{oaep}{}{cd}",
                str_ki("<ds:X509IssuerSerial><ds:X509IssuerName>CN=x</ds:X509IssuerName><ds:X509SerialNumber>12ab</ds:X509SerialNumber></ds:X509IssuerSerial>")
            )),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo/wsse:SecurityTokenReference/ds:X509IssuerSerial/ds:X509SerialNumber",
        ),
        (
            ek(format!("{oaep}<ds:KeyInfo><ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo>{cd}")),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo/ds:X509Data/ds:X509Certificate",
        ),
        (
            ek(format!("{oaep}<ds:KeyInfo><ds:X509Data><ds:X509SubjectName>CN=x</ds:X509SubjectName></ds:X509Data></ds:KeyInfo>{cd}")),
            InvalidSecurityToken,
            "xenc:EncryptedKey/ds:KeyInfo",
        ),
        (
            ek(format!(r#"{oaep}{cd}<xenc:ReferenceList><xenc:DataReference/></xenc:ReferenceList>"#)),
            InvalidSecurityToken,
            "xenc:EncryptedKey/xenc:ReferenceList/xenc:DataReference/@URI",
        ),
        (
            ek(format!(r##"{oaep}{cd}<xenc:ReferenceList><xenc:KeyReference URI="#k"/></xenc:ReferenceList>"##)),
            InvalidSecurityToken,
            "xenc:EncryptedKey/xenc:ReferenceList/xenc:KeyReference",
        ),
        ("<xenc:EncryptedKey".into(), MalformedXml, ""),
    ];
    for (text, kind, path) in cases {
        let e = EncryptedKey::from_xml(text.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), kind, "{text}\n{e}");
        assert_eq!(e.path(), path, "{text}\n{e}");
    }
}

#[test]
fn accepted_key_info_forms() {
    // Forms other writers use, each read to the same reference.
    let r = recipient();
    let cert_b64 = xml::encode_base64(&r.cert.to_der().unwrap());
    let ski_b64 = xml::encode_base64(&hex_bytes(FIXTURE_SKI));
    let tp_b64 = xml::encode_base64(&hex_bytes(FIXTURE_SHA1));
    let is = format!("<ds:X509IssuerSerial><ds:X509IssuerName> {FIXTURE_ISSUER} </ds:X509IssuerName><ds:X509SerialNumber>{FIXTURE_SERIAL}</ds:X509SerialNumber></ds:X509IssuerSerial>");
    let forms = [
        // WS-Trust Appendix I.1: X509IssuerSerial right inside the STR.
        format!("<wsse:SecurityTokenReference>{is}</wsse:SecurityTokenReference>"),
        // xmlsec1: ds:X509Data straight in KeyInfo.
        format!("<ds:X509Data>{is}</ds:X509Data>"),
        format!("<ds:X509Data><ds:X509SubjectName>CN=x</ds:X509SubjectName><ds:X509SKI>{ski_b64}</ds:X509SKI></ds:X509Data>"),
        format!("<ds:X509Data><ds:X509Certificate>\n{cert_b64}\n</ds:X509Certificate></ds:X509Data>"),
        format!(r#"<ds:X509Data><dsig11:X509Digest xmlns:dsig11="http://www.w3.org/2009/xmldsig11#" Algorithm="http://www.w3.org/2000/09/xmldsig#sha1">{tp_b64}</dsig11:X509Digest></ds:X509Data>"#),
        // wsse:Embedded BinarySecurityToken.
        format!(r#"<wsse:SecurityTokenReference><wsse:Embedded><wsse:BinarySecurityToken ValueType="{X509_V3}">{cert_b64}</wsse:BinarySecurityToken></wsse:Embedded></wsse:SecurityTokenReference>"#),
        // KeyIdentifier without EncodingType (base64 is the default), after an unknown child.
        format!(r#"<ds:KeyName>ignored</ds:KeyName><wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType="{X509_SKI}">{ski_b64}</wsse:KeyIdentifier></wsse:SecurityTokenReference>"#),
    ];
    let good =
        EncryptedKey::encrypt_key(&key32(), &r.cert, OAEP, ReferenceKind::Thumbprint).unwrap();
    let cv = xml::encode_base64(&good.cipher);
    let resolver = resolver_of(&[other(), r]);
    for ki in forms {
        let text = format!(
            r#"<xenc:EncryptedKey xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><xenc:EncryptionMethod Algorithm="{}"/><ds:KeyInfo>{ki}</ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{cv}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>"#,
            OAEP.uri()
        );
        let ek = EncryptedKey::from_xml(text.as_bytes()).unwrap_or_else(|e| panic!("{ki}: {e}"));
        assert!(ek.recipient.as_ref().unwrap().matches(&r.cert), "{ki}");
        assert_eq!(resolver.decrypt(&ek).unwrap(), key32(), "{ki}");
    }
}

/// xorshift64: deterministic, dependency-free noise.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_documents_never_panic() {
    let r = recipient();
    let resolver = resolver_of(&[r]);
    let mut seeds = vec![valid_oaep_xml()];
    for (alg, kind) in [
        (RSA15, ReferenceKind::Thumbprint),
        (OAEP, ReferenceKind::SubjectKeyIdentifier),
        (RSA15, ReferenceKind::Embedded),
    ] {
        seeds.push(
            EncryptedKey::encrypt_key(&key32(), &r.cert, alg, kind)
                .unwrap()
                .to_xml(),
        );
    }
    seeds.push(String::from_utf8(read_fixture("wss4j-rsa15-issuer-serial.xml")).unwrap());
    let alphabet = b"<>/=\"' #&;:xAZaz09+\\,";
    let mut noise = Noise(0x243f_6a88_85a3_08d3);
    let mut parsed = 0;
    for round in 0..3000 {
        let mut bytes = seeds[round % seeds.len()].clone().into_bytes();
        for _ in 0..1 + noise.below(4) {
            let i = noise.below(bytes.len());
            match noise.below(3) {
                0 => bytes[i] = alphabet[noise.below(alphabet.len())],
                1 => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, alphabet[noise.below(alphabet.len())]),
            }
        }
        if let Ok(ek) = EncryptedKey::from_xml(&bytes) {
            parsed += 1;
            let _ = resolver.decrypt(&ek);
            let _ = resolver.decrypt_expecting(&ek, 32);
            let _ = ek.to_xml();
        }
    }
    assert!(
        parsed > 100,
        "mutations should often leave a readable key ({parsed})"
    );
}

// ---------------------------------------------------------------------------------------
// Documents shaped as WCF and WSS4J write them (committed fixtures)

#[test]
fn reads_a_wcf_proof_token() {
    let ek = EncryptedKey::from_xml(&read_fixture("wcf-proof-token-thumbprint.xml")).unwrap();
    assert_eq!(ek.algorithm, OAEP);
    assert_eq!(
        ek.recipient,
        Some(X509Reference::Thumbprint(hex_bytes(FIXTURE_SHA1)))
    );
    let resolver = resolver_of(&[other(), recipient()]);
    assert_eq!(resolver.decrypt(&ek).unwrap(), key32());
    assert_eq!(resolver.decrypt_expecting(&ek, 32).unwrap(), key32());
    assert_eq!(EncryptedKey::from_xml(ek.to_xml().as_bytes()).unwrap(), ek);
}

#[test]
fn reads_a_wss4j_encrypted_key() {
    let ek = EncryptedKey::from_xml(&read_fixture("wss4j-rsa15-issuer-serial.xml")).unwrap();
    assert_eq!(ek.algorithm, RSA15);
    assert_eq!(ek.id.as_deref(), Some("EK-6e0c2a7f1b"));
    assert_eq!(ek.reference_list, ["#ED-6e0c2a7f1c"]);
    let Some(X509Reference::IssuerSerial { issuer, serial }) = &ek.recipient else {
        panic!("{:?}", ek.recipient)
    };
    assert!(issuer.contains("1.2.840.113549.1.9.1=#16"));
    assert_eq!(serial, FIXTURE_SERIAL);
    let resolver = resolver_of(&[other(), recipient()]);
    assert_eq!(resolver.decrypt_expecting(&ek, 32).unwrap(), key32());
}

// ---------------------------------------------------------------------------------------
// EncryptedData with an inline EncryptedKey

fn data_element() -> Element {
    xml::parse(&read_fixture("data.xml")).unwrap().root
}

#[test]
fn ephemeral_key_round_trip() {
    let r = recipient();
    let resolver = resolver_of(&[other(), r]);
    for data_alg in [
        EncryptionAlgorithm::Aes128Cbc,
        EncryptionAlgorithm::Aes256Cbc,
        EncryptionAlgorithm::Aes128Gcm,
    ] {
        for alg in ALGS {
            let eph = EphemeralKey::generate(data_alg, &r.cert, alg, ReferenceKind::IssuerSerial)
                .unwrap();
            assert_eq!(eph.key().len(), data_alg.key_len());
            assert_eq!(eph.algorithm(), data_alg);
            let ed = eph.encrypt_element(&data_element()).unwrap();
            let text = xml::element_to_string(&ed);
            let ed = xml::parse(text.as_bytes()).unwrap().root;
            let plain = decrypt_data(&ed, &resolver).unwrap();
            assert_eq!(xml::parse(&plain).unwrap().root, data_element());
            assert_eq!(decrypt_data_with_key(&ed, eph.key()).unwrap(), plain);
        }
    }
}

#[test]
fn a_forged_rsa15_key_fails_like_a_wrong_key() {
    // The receiver's answer to a forged EncryptedKey must not depend on the padding: both a
    // bad padding and a good padding around the wrong key end in the same symmetric failure.
    let r = recipient();
    let resolver = resolver_of(&[r]);
    let plain = b"<x>attack at dawn</x>";
    let mut eph = EphemeralKey::generate(
        EncryptionAlgorithm::Aes128Cbc,
        &r.cert,
        RSA15,
        ReferenceKind::Thumbprint,
    )
    .unwrap();
    let good = eph.encrypt(plain, None).unwrap();
    assert_eq!(decrypt_data(&good, &resolver).unwrap(), plain);
    let mut kinds = Vec::new();
    for at in 0..24 {
        let forged_ek = tamper(eph.encrypted_key(), at * 11);
        *eph.encrypted_key_mut() = forged_ek;
        let ed = eph.encrypt(plain, None).unwrap();
        match decrypt_data(&ed, &resolver) {
            Ok(p) => assert_ne!(p, plain),
            Err(e) => kinds.push(e.kind()),
        }
    }
    let wrong_key = EncryptedKey::encrypt_key(
        &Secret::random(16).unwrap(),
        &r.cert,
        RSA15,
        ReferenceKind::Thumbprint,
    )
    .unwrap();
    *eph.encrypted_key_mut() = wrong_key;
    let ed = eph.encrypt(plain, None).unwrap();
    if let Err(e) = decrypt_data(&ed, &resolver) {
        kinds.push(e.kind());
    }
    assert!(kinds.iter().all(|k| *k == ErrorKind::Crypto), "{kinds:?}");
}

#[test]
fn encrypted_data_errors() {
    let r = recipient();
    let resolver = resolver_of(&[r]);
    let eph = EphemeralKey::generate(
        EncryptionAlgorithm::Aes128Cbc,
        &r.cert,
        OAEP,
        ReferenceKind::Thumbprint,
    )
    .unwrap();
    let ed = eph
        .encrypt(b"hello", Some(wssx::message::algorithms::XENC_CONTENT))
        .unwrap();
    assert_eq!(
        ed.attr(None, "Type"),
        Some(wssx::message::algorithms::XENC_CONTENT)
    );
    let mut no_key = ed.clone();
    no_key
        .children
        .retain(|n| !matches!(n, wssx::xml::Node::Element(e) if e.local == "KeyInfo"));
    let e = decrypt_data(&no_key, &resolver).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (
            ErrorKind::InvalidSecurityToken,
            "xenc:EncryptedData/ds:KeyInfo"
        )
    );
    assert_eq!(decrypt_data_with_key(&no_key, eph.key()).unwrap(), b"hello");
    let e = decrypt_data(&eph.encrypted_key().to_element(), &resolver).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSecurityToken);
    let e = decrypt_data(&ed, &resolver_of(&[other()])).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSecurityToken);
}

// ---------------------------------------------------------------------------------------
// xmlsec1

/// A fresh directory under Cargo's per-test scratch space.
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("keytransport")
        .join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn xmlsec1(args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new("xmlsec1")
        .args(args)
        .output()
        .expect("xmlsec1 is needed for the interop tests (Debian package xmlsec1)");
    assert!(
        out.status.success(),
        "xmlsec1 {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn xmlsec1_encrypted_fixtures_decrypt() {
    let resolver = resolver_of(&[other(), recipient()]);
    for (name, alg, reference) in [
        (
            "xmlsec1-oaep-issuer-serial.xml",
            OAEP,
            ReferenceKind::IssuerSerial,
        ),
        (
            "xmlsec1-rsa15-ski.xml",
            RSA15,
            ReferenceKind::SubjectKeyIdentifier,
        ),
        (
            "xmlsec1-oaep-certificate.xml",
            OAEP,
            ReferenceKind::Embedded,
        ),
    ] {
        let doc = xml::parse(&read_fixture(name)).unwrap();
        let ek_el = doc
            .root
            .find(wssx::ns::DS, "KeyInfo")
            .unwrap()
            .find(wssx::ns::XENC, "EncryptedKey")
            .unwrap();
        let ek = EncryptedKey::from_element(ek_el).unwrap();
        assert_eq!(
            (ek.algorithm, ek.recipient.as_ref().map(X509Reference::kind)),
            (alg, Some(reference)),
            "{name}"
        );
        let plain = decrypt_data(&doc.root, &resolver).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(xml::parse(&plain).unwrap().root, data_element(), "{name}");
    }
}

#[test]
fn xmlsec1_decrypts_what_wssx_encrypts() {
    let dir = scratch("to-xmlsec1");
    let key_pem = fixture("recipient-key.pem");
    let cert = &recipient().cert;
    let mut n = 0;
    for alg in ALGS {
        for kind in KINDS {
            for data_alg in [
                EncryptionAlgorithm::Aes128Cbc,
                EncryptionAlgorithm::Aes256Cbc,
            ] {
                let eph = EphemeralKey::generate(data_alg, cert, alg, kind).unwrap();
                let ed = eph.encrypt_element(&data_element()).unwrap();
                let doc = Element::new("urn:example:envelope", "", "Envelope").with_child(ed);
                let path = dir.join(format!("wssx-{n}.xml"));
                std::fs::write(&path, xml::element_to_string(&doc)).unwrap();
                let out = xmlsec1(&[
                    "--decrypt".as_ref(),
                    "--privkey-pem".as_ref(),
                    key_pem.as_os_str(),
                    path.as_os_str(),
                ]);
                let back = xml::parse(&out).unwrap_or_else(|e| {
                    panic!("{alg:?} {kind:?}: {e}\n{}", String::from_utf8_lossy(&out))
                });
                let inner = back.root.elements().next().expect("decrypted element");
                assert_eq!(*inner, data_element(), "{alg:?} {kind:?} {data_alg:?}");
                n += 1;
            }
        }
    }
    assert_eq!(n, 16);
}

/// An xmlsec1 encryption template: EncryptedData (Type Element) with an inline EncryptedKey
/// whose ds:X509Data asks xmlsec1 to write `x509_child`.
fn template(data_alg: EncryptionAlgorithm, alg: KeyTransportAlgorithm, x509_child: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Type="http://www.w3.org/2001/04/xmlenc#Element">
  <xenc:EncryptionMethod Algorithm="{}"/>
  <ds:KeyInfo>
    <xenc:EncryptedKey>
      <xenc:EncryptionMethod Algorithm="{}"/>
      <ds:KeyInfo><ds:X509Data>{x509_child}</ds:X509Data></ds:KeyInfo>
      <xenc:CipherData><xenc:CipherValue/></xenc:CipherData>
    </xenc:EncryptedKey>
  </ds:KeyInfo>
  <xenc:CipherData><xenc:CipherValue/></xenc:CipherData>
</xenc:EncryptedData>
"#,
        data_alg.uri(),
        alg.uri()
    )
}

#[test]
fn wssx_decrypts_what_xmlsec1_encrypts() {
    let dir = scratch("from-xmlsec1");
    let cert_pem = fixture("recipient-cert.pem");
    let data = fixture("data.xml");
    let resolver = resolver_of(&[other(), no_ski(), recipient()]);
    let mut n = 0;
    for alg in ALGS {
        for (child, kind) in [
            ("<ds:X509IssuerSerial/>", ReferenceKind::IssuerSerial),
            ("<ds:X509SKI/>", ReferenceKind::SubjectKeyIdentifier),
            ("<ds:X509Certificate/>", ReferenceKind::Embedded),
        ] {
            for (data_alg, session) in [
                (EncryptionAlgorithm::Aes128Cbc, "aes-128"),
                (EncryptionAlgorithm::Aes256Cbc, "aes-256"),
            ] {
                let tmpl = dir.join(format!("template-{n}.xml"));
                std::fs::write(&tmpl, template(data_alg, alg, child)).unwrap();
                let out = xmlsec1(&[
                    "--encrypt".as_ref(),
                    "--pubkey-cert-pem".as_ref(),
                    cert_pem.as_os_str(),
                    "--session-key".as_ref(),
                    session.as_ref(),
                    "--xml-data".as_ref(),
                    data.as_os_str(),
                    tmpl.as_os_str(),
                ]);
                let doc = xml::parse(&out).unwrap();
                let ek_el = doc
                    .root
                    .find(wssx::ns::DS, "KeyInfo")
                    .unwrap()
                    .find(wssx::ns::XENC, "EncryptedKey")
                    .unwrap();
                let ek = EncryptedKey::from_element(ek_el).unwrap();
                assert_eq!(ek.algorithm, alg);
                assert_eq!(
                    ek.recipient.as_ref().map(X509Reference::kind),
                    Some(kind),
                    "{child}"
                );
                let plain = decrypt_data(&doc.root, &resolver)
                    .unwrap_or_else(|e| panic!("{alg:?} {child}: {e}"));
                assert_eq!(
                    xml::parse(&plain).unwrap().root,
                    data_element(),
                    "{alg:?} {child}"
                );
                n += 1;
            }
        }
    }
    assert_eq!(n, 12);
}

#[test]
fn xmlsec1_reads_the_oaep_label() {
    // xenc:OAEPparams written by wssx, honoured by xmlsec1.
    let dir = scratch("xmlsec1-label");
    let r = recipient();
    let eph = EphemeralKey::generate(
        EncryptionAlgorithm::Aes128Cbc,
        &r.cert,
        OAEP,
        ReferenceKind::Thumbprint,
    )
    .unwrap();
    let mut ed = eph
        .encrypt(
            b"<p>labelled</p>",
            Some(wssx::message::algorithms::XENC_ELEMENT),
        )
        .unwrap();
    let pk = r.cert.public_key().unwrap();
    let labelled = EncryptedKey::encrypt_with_oaep_params(
        eph.key(),
        &pk,
        b"label",
        X509Reference::thumbprint(&r.cert).ok(),
    )
    .unwrap();
    ed.find_mut(wssx::ns::DS, "KeyInfo").unwrap().children =
        vec![wssx::xml::Node::Element(labelled.to_element())];
    assert_eq!(
        decrypt_data(&ed, &resolver_of(&[r])).unwrap(),
        b"<p>labelled</p>"
    );
    let doc = Element::new("urn:example:envelope", "", "Envelope").with_child(ed);
    let path = dir.join("labelled.xml");
    std::fs::write(&path, xml::element_to_string(&doc)).unwrap();
    let key_pem = fixture("recipient-key.pem");
    let out = xmlsec1(&[
        "--decrypt".as_ref(),
        "--privkey-pem".as_ref(),
        key_pem.as_os_str(),
        path.as_os_str(),
    ]);
    assert!(
        String::from_utf8_lossy(&out).contains("<p>labelled</p>"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}
