//! The parent process: runs each target's loop in a child process, so a fault that ends
//! the process (a stack overflow's abort, the watchdog's exit) is caught too. The input
//! that was running is in the crumb file; it is saved as a finding and the loop goes on
//! in a new child with the next seed until the time is up.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::driver::{self, HUNG, Settings, Stats};
use crate::targets::Target;

/// Runs `target` in child processes of `exe` for `settings.duration`; returns the stats
/// of all of them.
pub fn supervise(exe: &Path, target: &Target, settings: &Settings) -> Stats {
    let crumb = settings
        .findings
        .join(format!(".crumb-{}-{}", target.name, std::process::id()));
    let _ = std::fs::create_dir_all(&settings.findings);
    let begin = Instant::now();
    let mut total = Stats::default();
    let mut seed = settings.seed;
    loop {
        let left = settings.duration.saturating_sub(begin.elapsed());
        let out = Command::new(exe)
            .arg("child")
            .args(["--target", target.name])
            .args(["--seed", &seed.to_string()])
            .args(["--millis", &left.as_millis().to_string()])
            .args(["--hang-ms", &settings.hang.as_millis().to_string()])
            .args(["--kill-ms", &settings.kill.as_millis().to_string()])
            .arg("--root")
            .arg(&settings.root)
            .arg("--findings")
            .arg(&settings.findings)
            .arg("--crumb")
            .arg(&crumb)
            .output();
        let out = match out {
            Ok(out) => out,
            Err(e) => panic!("cannot start {}: {e}", exe.display()),
        };
        let stdout = String::from_utf8_lossy(&out.stdout);
        if let Some(stats) = stdout.lines().rev().find_map(Stats::parse) {
            total.add(&stats);
        }
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        if out.status.success() {
            break;
        }
        let kind = if out.status.code() == Some(HUNG) {
            "hang"
        } else {
            "crash"
        };
        let input = std::fs::read(&crumb).unwrap_or_default();
        let path = driver::save(&settings.findings, target.name, kind, &input);
        eprintln!(
            "FINDING {} {kind}: the child ended ({}) -> {}",
            target.name,
            out.status,
            path.display()
        );
        total.findings += 1;
        total.inputs += 1;
        seed = seed.wrapping_add(0x9e37_79b9);
        if begin.elapsed() + Duration::from_millis(100) >= settings.duration {
            break;
        }
    }
    let _ = std::fs::remove_file(&crumb);
    total
}

/// Shrinks a finding while `still_fails` holds: drops ever smaller chunks, then tries
/// each byte as a space. Deterministic; at most `budget` tries.
pub fn minimize(input: &[u8], budget: usize, still_fails: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut tries = 0;
    let mut chunk = best.len().div_ceil(2).max(1);
    while chunk >= 1 && tries < budget {
        let mut at = 0;
        while at < best.len() && tries < budget {
            let mut candidate = best.clone();
            candidate.drain(at..(at + chunk).min(best.len()));
            tries += 1;
            if still_fails(&candidate) {
                best = candidate;
            } else {
                at += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk /= 2;
    }
    best
}
