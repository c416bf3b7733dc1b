//! Key derivation throughput, as ratios against OpenSSL's HMAC-SHA1 measured in the same run.
//!
//! Run: `cargo bench -p wssx --bench derive` (add `-- --quick` for a short run).
//! Prints one line per case: derivations per second and the ratio to the OpenSSL baseline
//! (one HMAC-SHA1 over the same seed through the EVP API, keyed once).

mod common;

use openssl::{hash::MessageDigest, pkey::PKey, sign::Signer};
use std::hint::black_box;
use std::time::Duration;
use wssx::crypto::{derive_key, PSha1, DEFAULT_LABEL};

fn rate(dur: Duration, f: &mut dyn FnMut()) -> f64 {
    common::rate(dur, 1000, f)
}

fn main() {
    let quick = common::quick();
    let dur = Duration::from_millis(if quick { 300 } else { 2000 });
    let secret = [0x5au8; 32];
    let nonce = [0xa5u8; 16];
    let label = DEFAULT_LABEL.as_bytes();
    let mut seed = label.to_vec();
    seed.extend_from_slice(&nonce);

    let pkey = PKey::hmac(&secret).unwrap();
    let baseline = rate(dur, &mut || {
        let mut s = Signer::new(MessageDigest::sha1(), &pkey).unwrap();
        s.update(black_box(&seed)).unwrap();
        black_box(s.sign_to_vec().unwrap());
    });
    // The naive P_SHA1 on OpenSSL HMAC (what a straightforward port does): 4 HMACs for 32 bytes.
    let naive = rate(dur, &mut || {
        let hmac = |d: &[&[u8]]| {
            let mut s = Signer::new(MessageDigest::sha1(), &pkey).unwrap();
            for p in d {
                s.update(p).unwrap();
            }
            s.sign_to_vec().unwrap()
        };
        let a1 = hmac(&[&seed]);
        let mut out = hmac(&[&a1, &seed]);
        let a2 = hmac(&[&a1]);
        out.extend(hmac(&[&a2, &seed]));
        out.truncate(32);
        black_box(out);
    });
    let g = PSha1::new(&secret);
    let keyed = rate(dur, &mut || {
        black_box(g.derive(black_box(label), black_box(&nonce), 0, 32));
    });
    let oneshot = rate(dur, &mut || {
        black_box(
            derive_key(
                black_box(&secret),
                "WS-SecureConversationWS-SecureConversation",
                &nonce,
                0,
                32,
            )
            .unwrap(),
        );
    });
    println!(
        "{:<58} {:>12} {:>8}",
        "case (32-byte key, 16-byte nonce, default label)", "per second", "ratio"
    );
    let line = |name: &str, r: f64| println!("{name:<58} {r:>12.0} {:>7.2}x", r / baseline);
    line(
        "baseline: OpenSSL HMAC-SHA1, one MAC over the seed",
        baseline,
    );
    line("naive P_SHA1 on OpenSSL HMAC (4 MACs)", naive);
    line("wssx PSha1::derive, keyed once per context secret", keyed);
    line(
        "wssx derive_key, one-shot (key schedule each time)",
        oneshot,
    );
    println!(
        "derive-bench: wssx keyed {:.2} M/s = {:.2}x OpenSSL HMAC, {:.2}x naive P_SHA1",
        keyed / 1e6,
        keyed / baseline,
        keyed / naive
    );
}
