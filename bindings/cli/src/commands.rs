//! Command implementations: argument parsing and conversion only; the work is the core's.

use base64::Engine;
use std::io::Read;
use wssx::token::DeriveOptions;
use wssx::{DerivedKeyToken, Error, ErrorKind};

/// Why a command did not produce output.
pub enum Failure {
    /// Bad command line.
    Usage(String),
    /// `help` was asked for.
    Help,
    /// The core refused.
    Wssx(Error),
    /// A check ran and said no (exit status 1): the text explains.
    Rejected(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Wssx(e)
    }
}

pub type Out = Result<String, Failure>;

pub fn b64(s: &str, what: &str) -> Result<Vec<u8>, Failure> {
    wssx::xml::decode_base64(s)
        .map_err(|m| Failure::Wssx(Error::at(ErrorKind::InvalidArgument, what, m)))
}

pub fn num(s: &str, what: &str) -> Result<u64, Failure> {
    s.parse::<u64>().map_err(|_| {
        Failure::Wssx(Error::at(
            ErrorKind::InvalidArgument,
            what,
            format!("'{s}' is not an unsigned integer"),
        ))
    })
}

fn enc(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn stdin() -> Result<Vec<u8>, Failure> {
    let mut v = Vec::new();
    std::io::stdin().read_to_end(&mut v).map_err(|e| {
        Failure::Wssx(Error::new(
            ErrorKind::InvalidArgument,
            format!("reading stdin: {e}"),
        ))
    })?;
    Ok(v)
}

fn exactly<'a>(args: &'a [String], n: usize, cmd: &str) -> Result<&'a [String], Failure> {
    if args.len() != n {
        return Err(Failure::Usage(format!(
            "{cmd} takes {n} arguments, got {}",
            args.len()
        )));
    }
    Ok(args)
}

/// Run the command line `args` (without the program name).
pub fn run(args: &[String]) -> Out {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(Failure::Usage("no command given".into()));
    };
    match cmd.as_str() {
        "derive" => derive(rest),
        "computed-key" => computed_key(rest),
        "dkt-derive" => dkt_derive(rest),
        "inspect" => inspect(rest),
        "sign-sct" => crate::protect::protect(rest, wssx::message::Protection::Sign),
        "encrypt-sct" => crate::protect::protect(rest, wssx::message::Protection::Encrypt),
        "sign-encrypt-sct" => {
            crate::protect::protect(rest, wssx::message::Protection::SignAndEncrypt)
        }
        "verify-sct" => crate::protect::verify(rest),
        "c14n" => crate::protect::c14n(rest),
        "sts" => crate::sts::sts(rest),
        "help" | "--help" | "-h" => Err(Failure::Help),
        other => Err(Failure::Usage(format!("unknown command '{other}'"))),
    }
}

fn derive(args: &[String]) -> Out {
    let a = exactly(args, 5, "derive")?;
    let secret = b64(&a[0], "secret")?;
    let nonce = b64(&a[2], "nonce")?;
    let key = wssx::derive_key(
        &secret,
        &a[1],
        &nonce,
        num(&a[3], "offset")?,
        num(&a[4], "length")?,
    )?;
    Ok(enc(key.expose()))
}

fn computed_key(args: &[String]) -> Out {
    let a = exactly(args, 3, "computed-key")?;
    let bits = num(&a[2], "keySizeBits")?;
    let bits = u32::try_from(bits).map_err(|_| {
        Failure::Wssx(Error::at(
            ErrorKind::LimitExceeded,
            "keySizeBits",
            "key size too large",
        ))
    })?;
    let key = wssx::computed_key(
        &b64(&a[0], "requestorEntropy")?,
        &b64(&a[1], "issuerEntropy")?,
        bits,
    )?;
    Ok(enc(key.expose()))
}

fn dkt_derive(args: &[String]) -> Out {
    let Some((secret, flags)) = args.split_first() else {
        return Err(Failure::Usage("dkt-derive needs <secretB64>".into()));
    };
    let secret = b64(secret, "secret")?;
    let mut opts = DeriveOptions::default();
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        let mut val = || {
            it.next()
                .ok_or_else(|| Failure::Usage(format!("{f} needs a value")))
        };
        match f.as_str() {
            "--label" => opts.label = val()?.clone(),
            "--length" => opts.length = num(val()?, "--length")?,
            "--nonce" => opts.nonce = Some(b64(val()?, "--nonce")?),
            other => return Err(Failure::Usage(format!("unknown option '{other}'"))),
        }
    }
    let dkt = DerivedKeyToken::from_xml(&stdin()?)?;
    let key = dkt.derive_with(&secret, &opts)?;
    Ok(enc(key.expose()))
}

fn inspect(args: &[String]) -> Out {
    exactly(args, 0, "inspect")?;
    Ok(wssx::inspect::inspect(&stdin()?)?.to_string_pretty())
}
