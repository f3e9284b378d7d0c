//! `wasm2php IN.wasm OUT.php [--namespace NS] [--class NAME] [--header LINE]... [--libc-intrinsics]`
//! Exit status 2 with "unsupported: ..." or "invalid module: ..." when the module cannot be compiled.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut opts = wasm2php::Options::default();
    let mut files = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--namespace" => opts.namespace = args.next().unwrap_or_default(),
            "--class" => opts.class = args.next().unwrap_or_default(),
            "--header" => opts.header.push(args.next().unwrap_or_default()),
            "--libc-intrinsics" => opts.libc_intrinsics = true,
            _ => files.push(a),
        }
    }
    let [input, output] = files.as_slice() else {
        eprintln!("usage: wasm2php IN.wasm OUT.php [--namespace NS] [--class NAME] [--header LINE]... [--libc-intrinsics]");
        return ExitCode::from(64);
    };
    let wasm = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("wasm2php: cannot read {input}: {e}");
            return ExitCode::from(66);
        }
    };
    match wasm2php::compile(&wasm, &opts) {
        Ok(php) => {
            // Write then rename: a PHP process never sees half a file.
            let tmp = format!("{output}.tmp");
            if let Err(e) = std::fs::write(&tmp, php).and_then(|_| std::fs::rename(&tmp, output)) {
                eprintln!("wasm2php: cannot write {output}: {e}");
                return ExitCode::from(73);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm2php: {input}: {e}");
            ExitCode::from(2)
        }
    }
}
