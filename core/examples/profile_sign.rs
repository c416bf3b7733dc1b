//! Sign and verify a small envelope N times: a fixed workload for `valgrind --tool=callgrind`
//! (instruction counts do not depend on machine load). `cargo run --release --example
//! profile_sign -- 2000`.
use wssx::message::{
    protect, verify, ContextId, ContextKey, ProtectOptions, Protection, VerifyOptions,
};
use wssx::{ScVersion, Secret, SecurityContextToken};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let env = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:example:Echo</wsa:Action></soap:Header><soap:Body><m:Echo xmlns:m="urn:example"><m:Item>The quick brown fox jumps over the lazy dog 0123456789</m:Item><m:Item>The quick brown fox jumps over the lazy dog 0123456789</m:Item><m:Item>The quick brown fox jumps over the lazy dog 0123456789</m:Item><m:Item>The quick brown fox jumps over the lazy dog 0123456789</m:Item></m:Echo></soap:Body></soap:Envelope>"#;
    let sct = SecurityContextToken::new(
        ScVersion::V1_3,
        "urn:uuid:6f1a0b2c-0000-4000-8000-00000000bench",
    )
    .unwrap();
    let ctx = ContextKey {
        sct,
        secret: Secret::from_slice(&[7u8; 32]),
    };
    let opts = ProtectOptions::default();
    let secret = ctx.secret.clone();
    let lookup = move |_: &ContextId| -> wssx::Result<Option<Secret>> { Ok(Some(secret.clone())) };
    let mode = std::env::args().nth(2).unwrap_or_else(|| "both".into());
    let signed = protect(env.as_bytes(), &ctx, Protection::Sign, &opts).unwrap();
    if mode == "dump" {
        println!("{signed}");
        return;
    }
    if mode == "parse-input" {
        for _ in 0..n {
            std::hint::black_box(wssx::xml::parse(env.as_bytes()).unwrap());
        }
        return;
    }
    if mode == "events" {
        for _ in 0..n {
            let mut r = quick_xml::Reader::from_reader(signed.as_bytes());
            r.config_mut().check_end_names = false;
            while !matches!(r.read_event(), Ok(quick_xml::events::Event::Eof) | Err(_)) {}
        }
        return;
    }
    if mode == "parse-doc" {
        for _ in 0..n {
            std::hint::black_box(wssx::xml::parse_doc(signed.as_bytes()).unwrap());
        }
        return;
    }
    if mode == "parse" {
        for _ in 0..n {
            std::hint::black_box(wssx::xml::parse(signed.as_bytes()).unwrap());
        }
        return;
    }
    for _ in 0..n {
        if mode != "verify" {
            std::hint::black_box(protect(env.as_bytes(), &ctx, Protection::Sign, &opts).unwrap());
        }
        if mode != "sign" && mode != "parse" {
            std::hint::black_box(
                verify(signed.as_bytes(), &lookup, &VerifyOptions::default()).unwrap(),
            );
        }
    }
}
