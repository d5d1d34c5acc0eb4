//! The fuzz loop of one target in one process: seeds first, then mutants, each run under
//! `catch_unwind` and timed. What it finds is written to the findings directory.
//!
//! A fault `catch_unwind` cannot catch (a stack overflow aborts the process) or an input
//! that never returns is caught by the parent process ([`crate::supervise`]): before each
//! input the loop writes it to the crumb file, and a watchdog thread ends the process
//! (exit code [`HUNG`]) when one input runs past the kill limit.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::mutate::Mutator;
use crate::targets::Target;

/// The exit code of a child whose watchdog saw an input run past the kill limit.
pub const HUNG: i32 = 3;

/// What one fuzz loop is to do.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The repository root (seeds and fixtures are relative to it).
    pub root: PathBuf,
    /// Where findings go (`<findings>/<target>/<kind>-<hash>`).
    pub findings: PathBuf,
    /// The mutator's seed.
    pub seed: u64,
    /// How long to run.
    pub duration: Duration,
    /// An input slower than this is a hang (a finding).
    pub hang: Duration,
    /// An input slower than this ends the process (the parent saves the crumb).
    pub kill: Duration,
    /// The file each input is written to before it runs.
    pub crumb: Option<PathBuf>,
}

/// What one loop did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Inputs run.
    pub inputs: u64,
    /// Inputs the target read without error.
    pub accepted: u64,
    /// Inputs the target refused with a documented error.
    pub refused: u64,
    /// Distinct findings (crashes, hangs, broken oracles) written.
    pub findings: u64,
    /// The slowest input's time, in microseconds.
    pub slowest_us: u64,
    /// The slowest input's size, in bytes.
    pub slowest_len: u64,
    /// The largest input run, in bytes.
    pub largest: u64,
}

impl Stats {
    /// One line, `key=value` pairs (what the parent reads back).
    pub fn line(&self) -> String {
        format!(
            "STATS inputs={} accepted={} refused={} findings={} slowest_us={} slowest_len={} largest={}",
            self.inputs,
            self.accepted,
            self.refused,
            self.findings,
            self.slowest_us,
            self.slowest_len,
            self.largest
        )
    }

    /// Reads a [`Stats::line`] back.
    pub fn parse(line: &str) -> Option<Self> {
        let fields: HashMap<&str, u64> = line
            .strip_prefix("STATS ")?
            .split(' ')
            .filter_map(|kv| kv.split_once('='))
            .filter_map(|(k, v)| Some((k, v.parse().ok()?)))
            .collect();
        Some(Self {
            inputs: *fields.get("inputs")?,
            accepted: *fields.get("accepted")?,
            refused: *fields.get("refused")?,
            findings: *fields.get("findings")?,
            slowest_us: *fields.get("slowest_us")?,
            slowest_len: *fields.get("slowest_len")?,
            largest: *fields.get("largest")?,
        })
    }

    /// Adds `other`'s counts (and keeps the slower slowest, the larger largest).
    pub fn add(&mut self, other: &Self) {
        self.inputs += other.inputs;
        self.accepted += other.accepted;
        self.refused += other.refused;
        self.findings += other.findings;
        if other.slowest_us > self.slowest_us {
            self.slowest_us = other.slowest_us;
            self.slowest_len = other.slowest_len;
        }
        self.largest = self.largest.max(other.largest);
    }
}

/// The seeds of `target`: its seed files, then its past findings (replayed first).
pub fn corpus(root: &Path, target: &Target) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = target
        .seeds
        .iter()
        .map(|s| std::fs::read(root.join(s)).unwrap_or_else(|e| panic!("seed {s}: {e}")))
        .collect();
    out.extend(fixtures(root, target).into_iter().map(|(_, bytes)| bytes));
    out
}

/// The fixtures in `tests/fixtures/fuzz/<target>/` (every file but `README.md`).
pub fn fixtures(root: &Path, target: &Target) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root.join("tests/fixtures/fuzz").join(target.name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

/// A short, stable name for an input.
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Writes a finding's input to `<findings>/<target>/<kind>-<hash>`; returns the path.
pub fn save(findings: &Path, target: &str, kind: &str, input: &[u8]) -> PathBuf {
    let dir = findings.join(target);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{kind}-{}", hash(input)));
    if let Err(e) = std::fs::write(&path, input) {
        eprintln!("cannot write {}: {e}", path.display());
    }
    path
}

/// The message of the last panic, with its location (set by [`quiet_panics`]).
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Replaces the panic hook with one that records the message instead of printing it.
pub fn quiet_panics() {
    panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = format!("panic at {place}: {message}");
        }
    }));
}

/// Ends the process when one input runs past `kill` (the crumb holds it).
fn watchdog(kill: Duration) -> (Arc<AtomicU64>, Instant) {
    let base = Instant::now();
    let started = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&started);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let at = seen.load(Ordering::Relaxed);
            let now = base.elapsed().as_millis() as u64 + 1;
            if at != 0 && now.saturating_sub(at) > kill.as_millis() as u64 {
                eprintln!("an input ran for more than {kill:?}: ending (the crumb holds it)");
                std::process::exit(HUNG);
            }
        }
    });
    (started, base)
}

/// Runs `target` for `settings.duration` (at least its whole corpus once).
pub fn run(target: &Target, settings: &Settings) -> Stats {
    quiet_panics();
    let seeds = corpus(&settings.root, target);
    let mut mutator = Mutator::new(settings.seed, seeds.clone());
    let mut crumb = settings
        .crumb
        .as_ref()
        .map(|p| File::create(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())));
    let (started, base) = watchdog(settings.kill);
    let mut stats = Stats::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut worst_hang = settings.hang;
    let begin = Instant::now();
    let mut last_report = Instant::now();
    let mut i = 0usize;
    while i < seeds.len() || begin.elapsed() < settings.duration {
        let input = match seeds.get(i) {
            Some(seed) => seed.clone(),
            None => mutator.next_input(),
        };
        i += 1;
        if let Some(file) = crumb.as_mut() {
            write_crumb(file, &input);
        }
        started.store(base.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
        let t = Instant::now();
        let result = panic::catch_unwind(AssertUnwindSafe(|| (target.check)(&input)));
        let took = t.elapsed();
        started.store(0, Ordering::Relaxed);
        stats.inputs += 1;
        stats.largest = stats.largest.max(input.len() as u64);
        if took.as_micros() as u64 > stats.slowest_us {
            stats.slowest_us = took.as_micros() as u64;
            stats.slowest_len = input.len() as u64;
        }
        let finding = match result {
            Ok(Ok(true)) => {
                stats.accepted += 1;
                mutator.keep(&input);
                None
            }
            Ok(Ok(false)) => {
                stats.refused += 1;
                None
            }
            Ok(Err(what)) => Some(("oracle", what)),
            Err(_) => Some((
                "crash",
                LAST_PANIC.lock().map(|s| s.clone()).unwrap_or_default(),
            )),
        };
        let hang =
            (took > settings.hang).then(|| ("hang", format!("{took:?} on {} bytes", input.len())));
        for (kind, what) in finding.into_iter().chain(hang) {
            let key = format!("{kind}: {}", dedupe_key(&what));
            let count = seen.entry(key).or_insert(0);
            *count += 1;
            // Hangs are one finding, but each slower one is saved too.
            let slower = kind == "hang" && took > worst_hang;
            if slower {
                worst_hang = took;
            }
            if *count == 1 || slower {
                stats.findings += u64::from(*count == 1);
                let path = save(&settings.findings, target.name, kind, &input);
                eprintln!(
                    "FINDING {} {kind}: {what} -> {}",
                    target.name,
                    path.display()
                );
            }
        }
        if last_report.elapsed() > Duration::from_secs(5) {
            println!("{}", stats.line());
            last_report = Instant::now();
        }
    }
    println!("{}", stats.line());
    stats
}

/// A crash is named by where it panicked; other findings by their message without numbers.
fn dedupe_key(what: &str) -> String {
    match what.split_once(": ") {
        Some((place, _)) if place.starts_with("panic at ") => place.to_owned(),
        _ => what.chars().filter(|c| !c.is_ascii_digit()).collect(),
    }
}

fn write_crumb(file: &mut File, input: &[u8]) {
    let written = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| file.write_all(input))
        .and_then(|()| file.set_len(input.len() as u64));
    if let Err(e) = written {
        eprintln!("cannot write the crumb: {e}");
    }
}
