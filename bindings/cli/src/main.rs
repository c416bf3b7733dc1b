//! `wssx`: the command-line face of the wssx core.
//!
//! Every command prints its result on stdout; errors go to stderr as
//! `wssx: <Kind>: <path>: <message>` with exit status 2 (1 is reserved for "checked and
//! found false", e.g. a signature that does not verify).

mod commands;

use std::process::ExitCode;

const USAGE: &str = "usage: wssx <command> [args]

commands:
  derive <secretB64> <label> <nonceB64> <offset> <length>
        derive a key: P_SHA1(secret, label + nonce)[offset..offset+length], printed as base64
  computed-key <requestorEntropyB64> <issuerEntropyB64> <keySizeBits>
        WS-Trust CK/PSHA1 computed key, printed as base64
  dkt-derive <secretB64> [--label L] [--length N] [--nonce B64]
        read a wsc:DerivedKeyToken on stdin, print the key it names as base64
  inspect
        read a token (SCT, DKT, STR) on stdin, print it as JSON
  help
        this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match commands::run(&args) {
        Ok(out) => {
            if !out.is_empty() {
                println!("{out}");
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
        Err(commands::Failure::Wssx(e)) => {
            eprintln!("wssx: {e}");
            ExitCode::from(2)
        }
    }
}
