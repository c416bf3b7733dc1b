//! Exclusive c14n throughput, as ratios against baselines measured in the same run.
//!
//! Run: `cargo bench -p wssx --bench c14n` (add `-- --quick` for a short run).
//! Three bodies, cut out of a parsed SOAP envelope the way a signer sees them: a ~300-byte
//! Body (the size of a typical WS-SX message body), a Body holding 64 KB of base64 (an
//! encrypted body) and a ~1 MB one of many small elements. For each it prints MB/s
//! (of canonical output) for:
//! - baseline `memcpy`: copying the Body's source bytes into a reused buffer;
//! - baseline `xml::element_to_string`: the plain tree writer on the same subtree;
//! - wssx c14n into a reused `Vec<u8>` (the signer's hot path);
//! - wssx c14n streamed through `Chunked` into SHA-1, and c14n-to-Vec then SHA-1 (what
//!   a digest over the Body costs either way);
//!   and the ratio of each to the writer baseline.

mod common;

use sha1::{Digest, Sha1};
use std::hint::black_box;
use std::time::Duration;
use wssx::xml::c14n::{canonicalize_subtree, find_by_id, stream_subtree, C14nOptions};

/// The bodies measured: (name, order lines; 0 = one 64 KB base64 text node).
const CASES: [(&str, usize); 3] = [("small", 1), ("base64-64KB", 0), ("1MB", 9_500)];

const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

/// Runs of `f` per second, measured for `dur` after a warm-up.
fn rate(dur: Duration, f: &mut dyn FnMut()) -> f64 {
    common::rate(dur, 16, f)
}

/// A SOAP 1.2 envelope whose Body (`wsu:Id="body"`) holds `items` order lines, or for
/// `items == 0` a 64 KB run of base64 (an encrypted body's CipherValue: long text, nothing
/// to escape).
fn envelope(items: usize) -> String {
    let mut body = String::new();
    if items == 0 {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let b64: String = (0..65_536).map(|i| alphabet[i * 7 % 64] as char).collect();
        body = format!("<m:CipherValue>{b64}</m:CipherValue>");
    }
    for i in 0..items {
        body.push_str(&format!(
            "<m:Line n=\"{i}\" sku=\"SKU-{i:06}\"><m:Qty>3</m:Qty><m:Note>fragile &amp; urgent</m:Note></m:Line>"
        ));
    }
    format!(
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsu=\"{WSU}\" \
         xmlns:a=\"http://www.w3.org/2005/08/addressing\"><s:Header><a:Action>urn:order</a:Action></s:Header>\
         <s:Body wsu:Id=\"body\"><m:Order xmlns:m=\"urn:example:orders\">{body}</m:Order></s:Body></s:Envelope>"
    )
}

fn case(name: &str, items: usize, dur: Duration) {
    let src = envelope(items);
    let doc = wssx::xml::parse(src.as_bytes()).unwrap();
    let (body, scope) = find_by_id(&doc, "body").unwrap();
    let body_src = {
        let start = src.find("<s:Body").unwrap();
        let end = src.rfind("</s:Body>").unwrap() + "</s:Body>".len();
        src.as_bytes()[start..end].to_vec()
    };
    let opts = C14nOptions::new();
    let mut out = Vec::with_capacity(body_src.len() * 2);
    canonicalize_subtree(body, &scope, &opts, &mut out);
    let size = out.len() as f64;

    let mut copy = Vec::with_capacity(body_src.len());
    let memcpy = rate(dur, &mut || {
        copy.clear();
        copy.extend_from_slice(black_box(&body_src));
        black_box(&copy);
    });
    let writer = rate(dur, &mut || {
        black_box(wssx::xml::element_to_string(black_box(body)));
    });
    let c14n = rate(dur, &mut || {
        out.clear();
        canonicalize_subtree(black_box(body), &scope, &opts, &mut out);
        black_box(&out);
    });
    let streamed = rate(dur, &mut || {
        let mut h = Sha1::new();
        stream_subtree(black_box(body), &scope, &opts, &mut |b| h.update(b));
        black_box(h.finalize());
    });
    let buffered = rate(dur, &mut || {
        out.clear();
        canonicalize_subtree(black_box(body), &scope, &opts, &mut out);
        black_box(Sha1::digest(&out));
    });

    println!("{name}: canonical Body of {} bytes", out.len());
    println!(
        "  {:<52} {:>12} {:>10} {:>8}",
        "case", "per second", "MB/s", "ratio"
    );
    let line = |what: &str, r: f64| {
        println!(
            "  {what:<52} {r:>12.0} {:>10.1} {:>7.2}x",
            r * size / 1e6,
            r / writer
        );
    };
    line("baseline: memcpy of the Body's source bytes", memcpy);
    line("baseline: xml::element_to_string (plain writer)", writer);
    line("wssx exc-c14n into a reused Vec<u8>", c14n);
    line("wssx exc-c14n streamed into SHA-1 (Chunked)", streamed);
    line("wssx exc-c14n into Vec, then SHA-1", buffered);
    println!(
        "c14n-bench {name}: {:.1} MB/s, {:.0}/s, {:.2}x the plain writer, {:.3}x memcpy",
        c14n * size / 1e6,
        c14n,
        c14n / writer,
        c14n / memcpy
    );
}

/// `--iters N`: run only the c14n-into-Vec case (with `--stream`: the streamed SHA-1
/// case) of the selected bodies, exactly N times, and print nothing: for callgrind, whose
/// instruction counts do not depend on the machine's load.
fn fixed_iterations(n: u64, only: &[String]) {
    for (name, items) in CASES {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let src = envelope(items);
        let doc = wssx::xml::parse(src.as_bytes()).unwrap();
        let (body, scope) = find_by_id(&doc, "body").unwrap();
        let opts = C14nOptions::new();
        let mut out = Vec::new();
        let stream = std::env::args().any(|a| a == "--stream");
        for _ in 0..n {
            if stream {
                let mut h = Sha1::new();
                stream_subtree(black_box(body), &scope, &opts, &mut |b| h.update(b));
                black_box(h.finalize());
            } else {
                out.clear();
                canonicalize_subtree(black_box(body), &scope, &opts, &mut out);
                black_box(&out);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--iters") {
        let n = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        let only: Vec<String> = args[1..]
            .iter()
            .filter(|a| !a.starts_with('-') && a.parse::<u64>().is_err())
            .cloned()
            .collect();
        return fixed_iterations(n, &only);
    }
    let quick = common::quick();
    let dur = Duration::from_millis(if quick { 300 } else { 2000 });
    // Any other argument selects cases by name (`-- small`), for profiling one of them.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for (name, items) in CASES {
        if only.is_empty() || only.iter().any(|o| o == name) {
            case(name, items, dur);
        }
    }
}
