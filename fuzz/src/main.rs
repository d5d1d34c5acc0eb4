//! `agentlens-fuzz`: runs the fuzz targets (see the crate's documentation).
//!
//! ```text
//! agentlens-fuzz [--target NAME]... [--seconds N] [--seed N] [--hang-ms N] [--findings DIR]
//! agentlens-fuzz replay --target NAME FILE...
//! agentlens-fuzz minimize --target NAME FILE OUT
//! ```
//!
//! The first form runs each target (all when none is named) for `--seconds` and prints
//! one line per target; it exits 1 when anything was found. Findings are written to
//! `--findings` (default `target/fuzz-findings`).

// A host tool, not the sans-IO core: it times each input with the clock.
#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use agentlens_fuzz::driver::{self, Settings};
use agentlens_fuzz::supervise::{minimize, supervise};
use agentlens_fuzz::targets::{self, TARGETS, Target};

struct Args {
    mode: String,
    targets: Vec<Target>,
    files: Vec<PathBuf>,
    settings: Settings,
}

fn usage(problem: &str) -> ! {
    eprintln!("agentlens-fuzz: {problem}");
    eprintln!("names: {}", TARGETS.map(|t| t.name).join(", "));
    std::process::exit(2);
}

fn number(value: Option<String>, flag: &str) -> u64 {
    value
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| usage(&format!("{flag} takes a number")))
}

fn parse() -> Args {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut args = Args {
        mode: "run".into(),
        targets: Vec::new(),
        files: Vec::new(),
        settings: Settings {
            findings: root.join("target/fuzz-findings"),
            root,
            seed: 1,
            duration: Duration::from_secs(10),
            hang: Duration::from_secs(1),
            kill: Duration::from_secs(30),
            crumb: None,
        },
    };
    let mut it = std::env::args().skip(1).peekable();
    if let Some(mode) = it.next_if(|a| ["child", "replay", "minimize"].contains(&a.as_str())) {
        args.mode = mode;
    }
    let s = &mut args.settings;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--target" => {
                let name = it.next().unwrap_or_default();
                let t =
                    targets::target(&name).unwrap_or_else(|| usage(&format!("no target {name}")));
                args.targets.push(t);
            }
            "--seconds" => s.duration = Duration::from_secs(number(it.next(), &arg)),
            "--millis" => s.duration = Duration::from_millis(number(it.next(), &arg)),
            "--seed" => s.seed = number(it.next(), &arg),
            "--hang-ms" => s.hang = Duration::from_millis(number(it.next(), &arg)),
            "--kill-ms" => s.kill = Duration::from_millis(number(it.next(), &arg)),
            "--root" => s.root = it.next().unwrap_or_default().into(),
            "--findings" => s.findings = it.next().unwrap_or_default().into(),
            "--crumb" => s.crumb = it.next().map(PathBuf::from),
            other if !other.starts_with("--") => args.files.push(other.into()),
            other => usage(&format!("unknown flag {other}")),
        }
    }
    s.kill = s.kill.max(s.hang * 2);
    if args.targets.is_empty() {
        if args.mode != "run" {
            usage("name a --target");
        }
        args.targets = TARGETS.to_vec();
    }
    args
}

/// Runs each file through the target and says what happened, and how long it took.
fn replay(target: &Target, files: &[PathBuf]) -> ExitCode {
    driver::quiet_panics();
    let mut failed = false;
    for file in files {
        let input =
            std::fs::read(file).unwrap_or_else(|e| usage(&format!("{}: {e}", file.display())));
        let t = Instant::now();
        let result = std::panic::catch_unwind(|| (target.check)(&input));
        let outcome = match result {
            Ok(Ok(accepted)) => format!("ok (accepted: {accepted})"),
            Ok(Err(what)) => format!("ORACLE {what}"),
            Err(_) => "CRASH (a panic)".to_owned(),
        };
        failed |= !outcome.starts_with("ok");
        println!(
            "{}: {outcome} in {:?}, {} bytes",
            file.display(),
            t.elapsed(),
            input.len()
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let args = parse();
    let target = args.targets[0];
    match args.mode.as_str() {
        "child" => {
            driver::run(&target, &args.settings);
            ExitCode::SUCCESS
        }
        "replay" => replay(&target, &args.files),
        "minimize" => {
            let [file, out] = args.files.as_slice() else {
                usage("minimize FILE OUT")
            };
            let input = std::fs::read(file).unwrap_or_else(|e| usage(&format!("{e}")));
            driver::quiet_panics();
            let hang = args.settings.hang;
            let fails = |bytes: &[u8]| {
                let t = Instant::now();
                let r = std::panic::catch_unwind(|| (target.check)(bytes));
                !matches!(r, Ok(Ok(_))) || t.elapsed() > hang
            };
            let small = minimize(&input, 5000, fails);
            std::fs::write(out, &small).unwrap_or_else(|e| usage(&format!("{e}")));
            println!("{} -> {} bytes", input.len(), small.len());
            ExitCode::SUCCESS
        }
        _ => {
            let exe = std::env::current_exe().unwrap_or_else(|e| usage(&format!("{e}")));
            let mut found = 0;
            for target in &args.targets {
                let stats = supervise(&exe, target, &args.settings);
                found += stats.findings;
                println!(
                    "{:<17} inputs={:<9} accepted={:<8} refused={:<8} findings={} slowest={:.1}ms ({} bytes) largest={} bytes",
                    target.name,
                    stats.inputs,
                    stats.accepted,
                    stats.refused,
                    stats.findings,
                    stats.slowest_us as f64 / 1000.0,
                    stats.slowest_len,
                    stats.largest
                );
            }
            if found > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
