//! `wssx sts --listen ADDR`: a token service over HTTP for trying clients against. SOAP 1.1
//! and 1.2 over HTTP POST on any path; WS-Trust Feb 2005 and 1.3 recognised from each
//! request; the in-memory context store. Logs one line per request on stderr.

use crate::commands::{num, Failure, Out};
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wssx::binding::{MemoryStore, ServicePolicy, TokenService};
use wssx::{Error, ErrorKind};

/// Requests larger than this are refused before parsing.
const MAX_BODY: usize = 16 << 20;

pub fn sts(args: &[String]) -> Out {
    let mut listen = "127.0.0.1:8780".to_string();
    let mut policy = ServicePolicy::default();
    let mut threads = 4usize;
    let mut it = args.iter();
    while let Some(f) = it.next() {
        let mut val = || {
            it.next()
                .ok_or_else(|| Failure::Usage(format!("{f} needs a value")))
        };
        match f.as_str() {
            "--listen" => listen = val()?.clone(),
            "--lifetime" => {
                policy.context_lifetime = Duration::from_secs(num(val()?, "--lifetime")?)
            }
            "--key-size" => policy.default_key_size = num(val()?, "--key-size")? as u32,
            "--no-requestor-entropy" => policy.accept_requestor_entropy = false,
            "--renew-expired" => policy.renew_expired = true,
            "--threads" => threads = (num(val()?, "--threads")? as usize).clamp(1, 64),
            other => return Err(Failure::Usage(format!("unknown option '{other}'"))),
        }
    }
    let server = tiny_http::Server::http(&listen).map_err(|e| {
        Failure::Wssx(Error::new(
            ErrorKind::InvalidArgument,
            format!("cannot listen on {listen}: {e}"),
        ))
    })?;
    let server = Arc::new(server);
    let svc = Arc::new(TokenService::new(Arc::new(MemoryStore::default()), policy));
    eprintln!(
        "wssx sts: listening on http://{listen}/ (WS-Trust Feb 2005 and 1.3, SOAP 1.1 and 1.2)"
    );
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let server = server.clone();
            let svc = svc.clone();
            std::thread::spawn(move || serve(&server, &svc))
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(String::new())
}

fn serve(server: &tiny_http::Server, svc: &TokenService) {
    while let Ok(mut req) = server.recv() {
        let started = Instant::now();
        let method = req.method().to_string();
        let path = req.url().to_string();
        if req.method() != &tiny_http::Method::Post {
            let _ = req.respond(
                tiny_http::Response::from_string("POST a SOAP envelope\n").with_status_code(405),
            );
            eprintln!("{method} {path} -> 405");
            continue;
        }
        let mut body = Vec::new();
        let read = req
            .as_reader()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body);
        if read.is_err() || body.len() > MAX_BODY {
            let _ = req.respond(
                tiny_http::Response::from_string("request too large or unreadable\n")
                    .with_status_code(413),
            );
            eprintln!("{method} {path} -> 413");
            continue;
        }
        let resp = svc.handle(&body);
        let status = if resp.is_fault { 500 } else { 200 };
        let line = format!(
            "{method} {path} {} -> {status} {} {} ({} B in, {} B out, {:.1} ms)",
            resp.operation
                .map(|o| format!("{o:?}"))
                .unwrap_or_else(|| "fault".into()),
            resp.action.as_deref().unwrap_or("-"),
            resp.context.as_deref().unwrap_or("-"),
            body.len(),
            resp.envelope.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        let mut r = tiny_http::Response::from_string(resp.envelope).with_status_code(status);
        if let Ok(h) =
            tiny_http::Header::from_bytes(&b"Content-Type"[..], resp.content_type.as_bytes())
        {
            r = r.with_header(h);
        }
        let _ = req.respond(r);
        eprintln!("{line}");
    }
}
