//! Token service round trips: issue + cancel of a security context, requestor against
//! service through real bytes (no HTTP), on one core. The baseline measured in the same run
//! is one sign + verify of a small application message with an established context — the
//! per-message cost the context exists to make cheap — so the ratio says how many
//! protected messages one context's setup and teardown cost.
//!
//! Run: `cargo bench -p wssx --bench binding` (add `-- --quick` for a short run).

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use wssx::binding::{
    MemoryStore, Outcome, Requestor, RequestorConfig, ServicePolicy, TokenService,
};
use wssx::message::{protect, ProtectOptions, Protection};
use wssx::TrustVersion;

fn rate(dur: Duration, f: &mut dyn FnMut()) -> f64 {
    common::rate(dur, 1, f)
}

fn main() {
    let quick = common::quick();
    let dur = Duration::from_millis(if quick { 400 } else { 2000 });
    let svc = TokenService::new(
        Arc::new(MemoryStore::new(1_000_000)),
        ServicePolicy::default(),
    );
    let app = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><m:Ping xmlns:m="urn:app">hello</m:Ping></s:Body></s:Envelope>"#;
    for tv in [TrustVersion::Feb2005, TrustVersion::V1_3] {
        let req = Requestor::new(RequestorConfig::new(tv, "http://localhost/sts"));
        let issue_cancel = rate(dur, &mut || {
            let (out, p) = req.issue().unwrap();
            let r = svc.handle(out.envelope.as_bytes());
            let Outcome::Issued(ctx) = p.finish(r.envelope.as_bytes()).unwrap() else {
                panic!("not issued")
            };
            let (out, p) = req.cancel(&ctx).unwrap();
            let r = svc.handle(out.envelope.as_bytes());
            black_box(p.finish(r.envelope.as_bytes()).unwrap());
        });
        let (out, p) = req.issue().unwrap();
        let r = svc.handle(out.envelope.as_bytes());
        let Outcome::Issued(ctx) = p.finish(r.envelope.as_bytes()).unwrap() else {
            panic!("not issued")
        };
        let key = ctx.key().unwrap();
        let baseline = rate(dur, &mut || {
            let m = protect(
                app.as_bytes(),
                &key,
                Protection::Sign,
                &ProtectOptions::default(),
            )
            .unwrap();
            black_box(svc.verify_message(m.as_bytes()).unwrap());
        });
        println!(
            "binding-bench ({}): issue+cancel {issue_cancel:.0}/s; baseline sign+verify {baseline:.0}/s; ratio {:.2}x",
            tv.short_name(),
            issue_cancel / baseline
        );
    }
}
