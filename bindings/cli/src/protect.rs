//! `sign-sct`, `encrypt-sct`, `sign-encrypt-sct`, `verify-sct` and `c14n`.

use crate::commands::{b64, num, stdin, Failure, Out};
use wssx::message::{
    self, AlgorithmSuite, ContextId, ContextKey, ProtectOptions, Protection, ProtectionOrder,
    TokenReference, VerifyOptions,
};
use wssx::{Error, ErrorKind, ScVersion, Secret, SecurityContextToken};

fn bad(what: &str, msg: impl Into<String>) -> Failure {
    Failure::Wssx(Error::at(ErrorKind::InvalidArgument, what, msg))
}

/// Parse `<secretB64> [options]` shared by the protecting commands.
fn protect_args(args: &[String]) -> Result<(ContextKey, ProtectOptions), Failure> {
    let Some((secret, flags)) = args.split_first() else {
        return Err(Failure::Usage("needs <secretB64>".into()));
    };
    let secret = Secret::new(b64(secret, "secret")?);
    let mut version = ScVersion::V1_3;
    let mut identifier: Option<String> = None;
    let mut instance: Option<String> = None;
    let mut opts = ProtectOptions::default();
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        let mut val = || {
            it.next()
                .ok_or_else(|| Failure::Usage(format!("{f} needs a value")))
        };
        match f.as_str() {
            "--identifier" => identifier = Some(val()?.clone()),
            "--instance" => instance = Some(val()?.clone()),
            "--wsc" => {
                let v = val()?;
                version = ScVersion::from_short_name(v)
                    .ok_or_else(|| bad("--wsc", format!("unknown version '{v}'")))?;
            }
            "--raw-key" => opts.derived_keys = false,
            "--by" => {
                opts.reference = match val()?.as_str() {
                    "id" => TokenReference::ById,
                    "identifier" => TokenReference::ByIdentifier,
                    other => {
                        return Err(bad(
                            "--by",
                            format!("'{other}' is neither id nor identifier"),
                        ))
                    }
                }
            }
            "--suite" => {
                let v = val()?;
                opts.suite = AlgorithmSuite::from_name(v)
                    .ok_or_else(|| bad("--suite", format!("unknown suite '{v}'")))?;
            }
            "--label" => opts.label = Some(val()?.clone()),
            "--nonce-len" => opts.nonce_len = num(val()?, "--nonce-len")? as usize,
            "--sig-key-len" => opts.signature_key_len = Some(num(val()?, "--sig-key-len")?),
            "--enc-key-len" => opts.encryption_key_len = Some(num(val()?, "--enc-key-len")?),
            "--offset" => opts.offset = Some(num(val()?, "--offset")?),
            "--no-timestamp" => opts.timestamp_ttl = None,
            "--encrypt-then-sign" => opts.order = ProtectionOrder::EncryptThenSign,
            "--gcm" => opts.gcm = true,
            "--no-sct" => opts.include_sct = false,
            other => return Err(Failure::Usage(format!("unknown option '{other}'"))),
        }
    }
    let mut sct = match identifier {
        Some(i) => SecurityContextToken::new(version, i)?,
        None => SecurityContextToken::generate(version)?,
    };
    sct.instance = instance;
    if !opts.include_sct {
        opts.reference = TokenReference::ByIdentifier;
    }
    Ok((ContextKey { sct, secret }, opts))
}

/// `sign-sct`, `encrypt-sct`, `sign-encrypt-sct`.
pub fn protect(args: &[String], what: Protection) -> Out {
    let (ctx, opts) = protect_args(args)?;
    let input = stdin()?;
    Ok(message::protect(&input, &ctx, what, &opts)?)
}

/// `verify-sct <secretB64> [--identifier URI]`: exit 0 when the Body was signed or
/// decrypted, 1 when it was not or verification failed.
pub fn verify(args: &[String]) -> Out {
    let Some((secret, flags)) = args.split_first() else {
        return Err(Failure::Usage("verify-sct needs <secretB64>".into()));
    };
    let secret = Secret::new(b64(secret, "secret")?);
    let mut identifier: Option<String> = None;
    let mut print_envelope = false;
    let mut opts = VerifyOptions::default();
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        match f.as_str() {
            "--identifier" => {
                identifier = Some(
                    it.next()
                        .ok_or_else(|| Failure::Usage("--identifier needs a value".into()))?
                        .clone(),
                )
            }
            "--print-envelope" => print_envelope = true,
            "--require-timestamp" => opts.require_timestamp = true,
            "--skew" => {
                opts.clock_skew = std::time::Duration::from_secs(num(
                    it.next()
                        .ok_or_else(|| Failure::Usage("--skew needs seconds".into()))?,
                    "--skew",
                )?)
            }
            other => return Err(Failure::Usage(format!("unknown option '{other}'"))),
        }
    }
    let input = stdin()?;
    let lookup = |id: &ContextId| -> wssx::Result<Option<Secret>> {
        Ok(match &identifier {
            Some(i) if *i != id.identifier => None,
            _ => Some(secret.clone()),
        })
    };
    let report = match message::verify(&input, &lookup, &opts) {
        Ok(r) => r,
        Err(e) if matches!(e.kind(), ErrorKind::MalformedXml | ErrorKind::LimitExceeded) => {
            return Err(Failure::Wssx(e))
        }
        Err(e) => return Err(Failure::Rejected(format!("verification failed: {e}"))),
    };
    let mut out = report.to_json().to_string_pretty();
    if print_envelope {
        out.push('\n');
        out.push_str(&report.envelope_xml());
    }
    if report.body_signed() || report.body_decrypted() {
        Ok(out)
    } else {
        Err(Failure::Rejected(format!(
            "{out}\nthe Body was neither signed nor encrypted"
        )))
    }
}

/// `c14n [--id ID] [--with-comments] [--prefixes "p1 p2 #default"]`.
pub fn c14n(args: &[String]) -> Out {
    let mut id: Option<String> = None;
    let mut comments = false;
    let mut prefixes: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(f) = it.next() {
        match f.as_str() {
            "--id" => {
                id = Some(
                    it.next()
                        .ok_or_else(|| Failure::Usage("--id needs a value".into()))?
                        .clone(),
                )
            }
            "--with-comments" => comments = true,
            "--prefixes" => {
                prefixes = it
                    .next()
                    .ok_or_else(|| Failure::Usage("--prefixes needs a value".into()))?
                    .split_ascii_whitespace()
                    .map(str::to_string)
                    .collect()
            }
            other => return Err(Failure::Usage(format!("unknown option '{other}'"))),
        }
    }
    let doc = wssx::xml::parse(&stdin()?)?;
    let out = message::canonical_form(&doc, id.as_deref(), comments, &prefixes)?;
    Ok(String::from_utf8(out)
        .map_err(|_| Failure::Wssx(Error::new(ErrorKind::Crypto, "canonical form is not UTF-8")))?)
}
