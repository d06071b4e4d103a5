//! strictjson: checks JSON Lines with serde_json, a strict RFC 8259 parser.
//!
//! Usage: strictjson [--count | --roundtrip] [FILE]...
//!
//! Reads each FILE (standard input when there is none, or for "-") as JSON
//! Lines. Every non-empty line must be valid UTF-8 as a whole and parse with
//! `serde_json::from_str::<serde_json::Value>` to one JSON object: no lone
//! surrogate escapes, no trailing garbage, no second value on the line.
//!
//! On the first invalid line it prints
//!     strictjson: FILE:LINE: <error>
//!     strictjson: FILE:LINE: line: <first 200 bytes, escaped>
//! to standard error and exits 1. Exit 0: every line is valid. Exit 2: a
//! usage or I/O error.
//!
//! --count      after checking, print the number of lines checked
//! --roundtrip  print each line as serde_json writes the value back, one a
//!              line (object keys sorted), for a test to compare values

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::process::ExitCode;

const SHOW_BYTES: usize = 200;

const USAGE: &str = "usage: strictjson [--count | --roundtrip] [FILE]...\n\
    Checks JSON Lines strictly (serde_json); standard input when no FILE.\n\
    Exit status: 0 all valid, 1 an invalid line, 2 usage or I/O error.\n";

enum Mode {
    Check,
    Count,
    Roundtrip,
}

/// A failure: an invalid line (exit 1) or anything else (exit 2).
enum Failure {
    Invalid { name: String, line: u64, what: String, bytes: Vec<u8> },
    Io(String),
}

/// `bytes` shown as printable ASCII: `\\` for a backslash, `\xNN` for any
/// other byte; cut at SHOW_BYTES bytes, with "..." when cut.
fn escape(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes.iter().take(SHOW_BYTES) {
        match b {
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{:02x}", b)),
        }
    }
    if bytes.len() > SHOW_BYTES {
        s.push_str("...");
    }
    s
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Checks one line (without its '\n'); the parsed object when valid.
fn check_line(bytes: &[u8]) -> Result<serde_json::Value, String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Err(format!("not valid UTF-8: {}", e)),
    };
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Err(e.to_string()),
    };
    if !value.is_object() {
        return Err(format!("the line is {}, not a JSON object", kind(&value)));
    }
    Ok(value)
}

fn check_stream(
    name: &str,
    input: &mut dyn BufRead,
    mode: &Mode,
    out: &mut dyn Write,
    count: &mut u64,
) -> Result<(), Failure> {
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = input
            .read_until(b'\n', &mut buf)
            .map_err(|e| Failure::Io(format!("{}: {}", name, e)))?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.is_empty() {
            continue;
        }
        let value = check_line(&buf).map_err(|what| Failure::Invalid {
            name: name.to_string(),
            line,
            what,
            bytes: buf.clone(),
        })?;
        *count += 1;
        if let Mode::Roundtrip = mode {
            let text = serde_json::to_string(&value)
                .map_err(|e| Failure::Io(format!("{}:{}: cannot serialise: {}", name, line, e)))?;
            writeln!(out, "{}", text).map_err(|e| Failure::Io(format!("standard output: {}", e)))?;
        }
    }
}

fn run(mode: &Mode, files: &[String]) -> Result<u64, Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut count = 0u64;
    let stdin_only = ["-".to_string()];
    let files = if files.is_empty() { &stdin_only[..] } else { files };
    for f in files {
        if f == "-" {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            check_stream("<stdin>", &mut input, mode, &mut out, &mut count)?;
        } else {
            let file = File::open(f).map_err(|e| Failure::Io(format!("{}: {}", f, e)))?;
            let mut input = BufReader::new(file);
            check_stream(f, &mut input, mode, &mut out, &mut count)?;
        }
    }
    if let Mode::Count = mode {
        writeln!(out, "{}", count).map_err(|e| Failure::Io(format!("standard output: {}", e)))?;
    }
    out.flush().map_err(|e| Failure::Io(format!("standard output: {}", e)))?;
    Ok(count)
}

fn main() -> ExitCode {
    let mut mode = Mode::Check;
    let mut files = Vec::new();
    let mut options_done = false;
    let mut modes = 0;
    for arg in std::env::args().skip(1) {
        if options_done || arg == "-" || !arg.starts_with('-') {
            files.push(arg);
            continue;
        }
        match arg.as_str() {
            "--" => options_done = true,
            "--count" => {
                mode = Mode::Count;
                modes += 1;
            }
            "--roundtrip" => {
                mode = Mode::Roundtrip;
                modes += 1;
            }
            "-h" | "--help" => {
                print!("{}", USAGE);
                return ExitCode::SUCCESS;
            }
            _ => {
                eprint!("strictjson: unknown option {}\n{}", arg, USAGE);
                return ExitCode::from(2);
            }
        }
    }
    if modes > 1 {
        eprint!("strictjson: --count and --roundtrip exclude each other\n{}", USAGE);
        return ExitCode::from(2);
    }
    match run(&mode, &files) {
        Ok(_) => ExitCode::SUCCESS,
        Err(Failure::Invalid { name, line, what, bytes }) => {
            eprintln!("strictjson: {}:{}: {}", name, line, what);
            eprintln!("strictjson: {}:{}: line: {}", name, line, escape(&bytes));
            ExitCode::from(1)
        }
        Err(Failure::Io(what)) => {
            eprintln!("strictjson: {}", what);
            ExitCode::from(2)
        }
    }
}
