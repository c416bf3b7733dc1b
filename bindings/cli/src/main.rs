//! `wssx`: the command-line face of the wssx core.
//!
//! Every command prints its result on stdout; errors go to stderr as
//! `wssx: <Kind>: <path>: <message>` with exit status 2 (1 is reserved for "checked and
//! found false", e.g. a signature that does not verify).

mod commands;
mod protect;
mod sts;

use std::process::ExitCode;

const USAGE: &str = r#"usage: wssx <command> [args]

commands:
  derive <secretB64> <label> <nonceB64> <offset> <length>
        derive a key: P_SHA1(secret, label + nonce)[offset..offset+length], printed as base64
  computed-key <requestorEntropyB64> <issuerEntropyB64> <keySizeBits>
        WS-Trust CK/PSHA1 computed key, printed as base64
  dkt-derive <secretB64> [--label L] [--length N] [--nonce B64]
        read a wsc:DerivedKeyToken on stdin, print the key it names as base64
  inspect
        read a token (SCT, DKT, STR), a WS-Trust message (RST, RSTR, RSTRC, ...) or a
        SOAP envelope on stdin, print it as JSON
  sign-sct <secretB64> [--identifier URI] [--instance URI] [--wsc 2005|1.3] [--raw-key]
           [--by id|identifier] [--suite Basic128|Basic256|Basic256Sha256] [--label L]
           [--nonce-len N] [--sig-key-len N] [--offset N] [--no-timestamp] [--no-sct]
        read a SOAP envelope on stdin, sign Body and Timestamp with the context, print it
  encrypt-sct <secretB64> [same options] [--enc-key-len N] [--gcm]
        encrypt the Body content with a key derived from the context
  sign-encrypt-sct <secretB64> [same options] [--encrypt-then-sign]
        both; sign-then-encrypt unless --encrypt-then-sign
  verify-sct <secretB64> [--identifier URI] [--require-timestamp] [--skew S] [--print-envelope]
        read a secured envelope, decrypt and verify it; print what was covered; exit 0 when
        the Body was signed or decrypted, 1 otherwise
  c14n [--id ID] [--with-comments] [--prefixes "p1 p2 #default"]
        print the exclusive c14n of stdin, or of the element whose wsu:Id / Id is ID
  sts [--listen 127.0.0.1:8780] [--lifetime SECONDS] [--key-size BITS]
      [--no-requestor-entropy] [--renew-expired] [--threads N]
        serve a WS-SecureConversation token service over HTTP (SOAP 1.1/1.2, any path,
        WS-Trust Feb 2005 and 1.3) with an in-memory store; one log line per request
  help
        this text
"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match commands::run(&args) {
        Ok(out) => {
            if !out.is_empty() {
                // A closed pipe (`wssx inspect | head`) is not an error worth a panic.
                use std::io::Write;
                let mut so = std::io::stdout().lock();
                if let Err(e) = writeln!(so, "{out}").and_then(|_| so.flush()) {
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        eprintln!("wssx: writing output: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(commands::Failure::Usage(msg)) => {
            eprintln!("wssx: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(commands::Failure::Help) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(commands::Failure::Rejected(msg)) => {
            eprintln!("wssx: {msg}");
            ExitCode::from(1)
        }
        Err(commands::Failure::Wssx(e)) => {
            eprintln!("wssx: {e}");
            ExitCode::from(2)
        }
    }
}
