//! Message protection throughput: sign (SCT + DKT + HMAC-SHA1, serialized) and verify, on a
//! ~300-byte body and on bodies up to 1 MB. Ratios are against a baseline measured in the
//! same run: parsing and re-serializing the same envelope with wssx's XML tree, the floor
//! of any security processing that reads and writes XML.
//!
//! Run: `cargo bench -p wssx --bench message` (add `-- --quick` for a short run).

mod common;

use std::hint::black_box;
use std::time::Duration;
use wssx::message::{
    protect, verify, ContextId, ContextKey, ProtectOptions, Protection, VerifyOptions,
};
use wssx::{ScVersion, Secret, SecurityContextToken};

fn rate(dur: Duration, f: &mut dyn FnMut()) -> f64 {
    common::rate(dur, 1, f)
}

fn envelope(body_bytes: usize) -> String {
    let item = "<m:Item>The quick brown fox jumps over the lazy dog 0123456789</m:Item>";
    let n = (body_bytes / item.len()).max(1);
    format!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:example:Echo</wsa:Action></soap:Header><soap:Body><m:Echo xmlns:m="urn:example">{}</m:Echo></soap:Body></soap:Envelope>"#,
        item.repeat(n)
    )
}

fn main() {
    let quick = common::quick();
    let dur = Duration::from_millis(if quick { 300 } else { 2000 });
    let sct = SecurityContextToken::new(
        ScVersion::V1_3,
        "urn:uuid:6f1a0b2c-0000-4000-8000-00000000bench",
    )
    .unwrap();
    let ctx = ContextKey {
        sct,
        secret: Secret::from_slice(&[7u8; 32]),
    };
    let opts = ProtectOptions {
        suite: wssx::message::AlgorithmSuite::Basic128,
        ..Default::default()
    };
    let secret = ctx.secret.clone();
    let lookup = move |_: &ContextId| -> wssx::Result<Option<Secret>> { Ok(Some(secret.clone())) };
    let vopts = VerifyOptions::default();

    println!(
        "{:<44} {:>12} {:>12} {:>9}",
        "case", "msgs/s", "MB/s (body)", "ratio"
    );
    for (i, size) in [300usize, 3_000, 30_000, 300_000, 1_000_000]
        .into_iter()
        .enumerate()
    {
        let env = envelope(size);
        let body_len = env.len();
        let d = if size > 30_000 { dur / 2 } else { dur };
        let baseline = rate(d, &mut || {
            let doc = wssx::xml::parse(black_box(env.as_bytes())).unwrap();
            black_box(wssx::xml::document_to_string(&doc));
        });
        let sign = rate(d, &mut || {
            black_box(protect(black_box(env.as_bytes()), &ctx, Protection::Sign, &opts).unwrap());
        });
        let signed = protect(env.as_bytes(), &ctx, Protection::Sign, &opts).unwrap();
        let ver = rate(d, &mut || {
            black_box(verify(black_box(signed.as_bytes()), &lookup, &vopts).unwrap());
        });
        let mb = |r: f64| r * body_len as f64 / 1e6;
        println!(
            "{:<44} {:>12.0} {:>12.1} {:>8.2}x",
            format!("baseline parse+write, {size} B body"),
            baseline,
            mb(baseline),
            1.0
        );
        println!(
            "{:<44} {:>12.0} {:>12.1} {:>8.2}x",
            format!("sign SCT+DKT+HMAC-SHA1, {size} B body"),
            sign,
            mb(sign),
            sign / baseline
        );
        println!(
            "{:<44} {:>12.0} {:>12.1} {:>8.2}x",
            format!("verify, {size} B body"),
            ver,
            mb(ver),
            ver / baseline
        );
        if i == 0 {
            println!("message-bench: small body sign {sign:.0}/s verify {ver:.0}/s (targets 100000/s each)");
        }
        if quick && size >= 30_000 {
            break;
        }
    }
}
