//! Which records to keep: rate sampling by session, and the `only_on_error` hold.
//!
//! Sampling is a pure function of the record's key (its session, else its run), so every
//! record of a session gets the same decision, its end records included, without any
//! per-session state. The hold keeps each run's records until the run ends and releases
//! them only if the run failed.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use super::Record;

/// FNV-1a, 64-bit (<http://www.isthe.com/chongo/tech/comp/fnv/>).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a_from(FNV_OFFSET, bytes)
}

/// FNV-1a's offset basis: the hash of no bytes.
const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;

/// FNV-1a of `bytes` continued from the hash `h`.
fn fnv1a_from(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3))
}

/// MurmurHash3's 64-bit finaliser (`fmix64`): spreads every input bit over the output.
const fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// Whether `record` is kept at `rate`.
///
/// The host's own decision (`record.sampled`) wins. Otherwise the key is the session id
/// if non-empty, else the run id; a record with neither is always kept. A key is kept
/// iff the low 32 bits of `fmix64(fnv1a64(key))` are below `rate * 2^32`.
///
/// The finaliser matters: the low 32 bits of a raw FNV-1a hash barely depend on the
/// last bytes of the key, so ids that differ only at the end (`session-1`, `session-2`,
/// or sequential hex ids) fall on the same side: 1000 of 1000 sequential 16-hex ids were
/// kept at rate 0.5 without it, 476 with it.
pub(crate) fn keep(record: &Record, rate: f64) -> bool {
    if let Some(decision) = record.sampled {
        return decision;
    }
    let key = if record.session.is_empty() {
        record.run.as_deref()
    } else {
        Some(&*record.session)
    };
    match key {
        Some(key) => keep_key(key, rate),
        None => true,
    }
}

/// The sampling decision for one key.
pub(crate) fn keep_key(key: &str, rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    if rate.is_nan() || rate <= 0.0 {
        return false;
    }
    let threshold = (rate * 4_294_967_296.0) as u64;
    (fmix64(fnv1a64(key.as_bytes())) & 0xFFFF_FFFF) < threshold
}

/// FNV-1a as a [`Hasher`], finished by `fmix64`: the hold's map of runs needs no
/// per-process random keys (the core takes no randomness it is not given).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(FNV_OFFSET)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv1a_from(self.0, bytes);
    }

    fn finish(&self) -> u64 {
        fmix64(self.0)
    }
}

/// Runs in creation order, oldest first, for eviction (a hash map and this list cost the
/// SDK's wasm ~13 KB less code than two ordered maps). Entries are removed lazily: one
/// whose run ended or changed state is skipped when popped, and dropped when stale
/// entries outnumber live ones.
#[derive(Debug, Default)]
struct Order {
    /// `(generation, run)`, by generation.
    entries: VecDeque<(u64, Box<str>)>,
    live: usize,
}

impl Order {
    fn add(&mut self, generation: u64, run: Box<str>) {
        let at = self.entries.partition_point(|(g, _)| *g < generation);
        self.entries.insert(at, (generation, run));
        self.live += 1;
    }

    /// One entry is no longer `live` (its run has already changed).
    fn removed(&mut self, live: impl Fn(u64, &str) -> bool) {
        self.live -= 1;
        if self.entries.len() > 2 * self.live + 32 {
            self.entries.retain(|(g, run)| live(*g, run));
        }
    }

    /// The oldest live entry's run, taken out.
    fn pop_oldest(&mut self, live: impl Fn(u64, &str) -> bool) -> Option<Box<str>> {
        while let Some((g, run)) = self.entries.pop_front() {
            if live(g, &run) {
                self.live -= 1;
                return Some(run);
            }
        }
        None
    }
}

type Runs = HashMap<Box<str>, HeldRun, BuildHasherDefault<Fnv>>;

/// Whether `(generation, run)` is in the hold, errored or not.
fn is(runs: &Runs, errored: bool) -> impl Fn(u64, &str) -> bool + '_ {
    move |generation, run| {
        runs.get(run)
            .is_some_and(|r| r.generation == generation && r.errored == errored)
    }
}

/// One run's held records.
#[derive(Debug, Default)]
struct HeldRun {
    /// Creation order, for evicting the oldest run.
    generation: u64,
    /// An `Error` record was seen. Such a run holds nothing: its records pass through
    /// (they will be sent anyway), and the entry only remembers the error until `RunEnd`.
    errored: bool,
    bodies: Vec<Box<[u8]>>,
}

/// What happened to a record offered to the hold.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Offer {
    /// Kept in the hold.
    Held,
    /// These bodies, in order, go to the queue now.
    Release(Vec<Box<[u8]>>),
}

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// The run failed: these held bodies, in order, go to the queue, then the `RunEnd`.
    Release(Vec<Box<[u8]>>),
    /// The run succeeded: this many held records (and the `RunEnd`) are sampled out.
    Discard(usize),
}

/// Records held per run for `only_on_error`.
#[derive(Debug, Default)]
pub(crate) struct Hold {
    runs: Runs,
    /// Runs with held records, oldest first.
    clean: Order,
    /// Errored runs awaiting their end (holding nothing), oldest first.
    errored: Order,
    next_generation: u64,
    events: usize,
    bytes: usize,
}

impl Hold {
    /// Held records.
    pub(crate) fn events(&self) -> usize {
        self.events
    }

    /// Body bytes of the held records.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Errored runs remembered; bounded by the caller.
    pub(crate) fn errored_runs(&self) -> usize {
        self.errored.live
    }

    /// Offers one non-end record of `run`.
    pub(crate) fn offer(&mut self, run: &str, body: Box<[u8]>, is_error: bool) -> Offer {
        if let Some(entry) = self.runs.get_mut(run) {
            if entry.errored {
                return Offer::Release(vec![body]);
            }
            if !is_error {
                self.events += 1;
                self.bytes += body.len();
                entry.bodies.push(body);
                return Offer::Held;
            }
            // First error of a run with held records: release them all, then this one.
            let generation = entry.generation;
            entry.errored = true;
            let mut bodies = std::mem::take(&mut entry.bodies);
            self.forget(&bodies);
            self.clean.removed(is(&self.runs, false));
            let key = self.stored_key(run);
            self.errored.add(generation, key);
            bodies.push(body);
            return Offer::Release(bodies);
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        let key: Box<str> = run.into();
        if is_error {
            self.runs.insert(
                key.clone(),
                HeldRun {
                    generation,
                    errored: true,
                    bodies: Vec::new(),
                },
            );
            self.errored.add(generation, key);
            return Offer::Release(vec![body]);
        }
        self.events += 1;
        self.bytes += body.len();
        self.runs.insert(
            key.clone(),
            HeldRun {
                generation,
                errored: false,
                bodies: vec![body],
            },
        );
        self.clean.add(generation, key);
        Offer::Held
    }

    /// Ends `run`. `error` is the `RunEnd`'s own error flag.
    pub(crate) fn end(&mut self, run: &str, error: bool) -> End {
        let Some(entry) = self.runs.remove(run) else {
            return if error {
                End::Release(Vec::new())
            } else {
                End::Discard(0)
            };
        };
        self.forget(&entry.bodies);
        if entry.errored {
            self.errored.removed(is(&self.runs, true));
        } else {
            self.clean.removed(is(&self.runs, false));
        }
        if entry.errored || error {
            End::Release(entry.bodies)
        } else {
            End::Discard(entry.bodies.len())
        }
    }

    /// Drops the oldest run that holds records. Returns how many records went.
    pub(crate) fn evict_oldest(&mut self) -> Option<usize> {
        let key = self.clean.pop_oldest(is(&self.runs, false))?;
        let entry = self.runs.remove(&key)?;
        self.forget(&entry.bodies);
        Some(entry.bodies.len())
    }

    /// Forgets the oldest errored run (it holds nothing, so no record is lost; a later
    /// record of that run is held again).
    pub(crate) fn forget_oldest_errored(&mut self) {
        if let Some(key) = self.errored.pop_oldest(is(&self.runs, true)) {
            self.runs.remove(&key);
        }
    }

    /// Drops everything. Returns how many records were held.
    pub(crate) fn clear(&mut self) -> usize {
        let n = self.events;
        *self = Self {
            next_generation: self.next_generation,
            ..Self::default()
        };
        n
    }

    fn forget(&mut self, bodies: &[Box<[u8]>]) {
        self.events -= bodies.len();
        self.bytes -= bodies.iter().map(|b| b.len()).sum::<usize>();
    }

    /// The stored key for `run` (shared with the order maps by clone).
    fn stored_key(&self, run: &str) -> Box<str> {
        self.runs
            .get_key_value(run)
            .map_or_else(|| run.into(), |(k, _)| k.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Class;

    fn record(session: &str, run: Option<&str>, sampled: Option<bool>) -> Record {
        Record {
            body: Box::default(),
            session: session.into(),
            run: run.map(Into::into),
            class: Class::Normal,
            sampled,
        }
    }

    fn body(s: &str) -> Box<[u8]> {
        s.as_bytes().into()
    }

    #[test]
    fn fnv1a_matches_published_vectors() {
        assert_eq!(fnv1a64(b""), 0xCBF2_9CE4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xAF63_DC4C_8601_EC8C);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_F739_67E8);
    }

    #[test]
    fn sequential_keys_are_sampled_evenly() {
        let hex = |i: u32| format!("{i:016x}");
        let named = |i: u32| format!("session-{i}");
        for (rate, low, high) in [(0.5, 450, 550), (0.1, 70, 130), (0.9, 870, 930)] {
            for key in [&hex as &dyn Fn(u32) -> String, &named] {
                let kept = (0..1000).filter(|&i| keep_key(&key(i), rate)).count();
                assert!(
                    (low..=high).contains(&kept),
                    "{} at {rate}: kept {kept}",
                    key(0)
                );
            }
        }
    }

    #[test]
    fn the_key_is_the_session_then_the_run_then_nothing() {
        // Find a session that rate 0.5 drops, and a run that it keeps.
        let dropped = (0..)
            .map(|i| format!("s{i}"))
            .find(|k| !keep_key(k, 0.5))
            .unwrap();
        let kept = (0..)
            .map(|i| format!("r{i}"))
            .find(|k| keep_key(k, 0.5))
            .unwrap();
        assert!(!keep(&record(&dropped, Some(&kept), None), 0.5));
        assert!(keep(&record("", Some(&kept), None), 0.5));
        assert!(keep(&record("", None, None), 0.0));
        assert!(keep(&record(&dropped, None, Some(true)), 0.5));
        assert!(!keep(&record("x", None, Some(false)), 1.0));
    }

    #[test]
    fn extreme_rates_keep_all_or_nothing() {
        for i in 0..100 {
            let k = format!("session-{i}");
            assert!(keep_key(&k, 1.0));
            assert!(!keep_key(&k, 0.0));
            assert!(!keep_key(&k, f64::NAN));
        }
    }

    #[test]
    fn a_clean_run_is_discarded_and_a_failed_one_released_in_order() {
        let mut h = Hold::default();
        assert_eq!(h.offer("a", body("a1"), false), Offer::Held);
        assert_eq!(h.offer("b", body("b1"), false), Offer::Held);
        assert_eq!(h.offer("a", body("a2"), false), Offer::Held);
        assert_eq!((h.events(), h.bytes()), (3, 6));
        assert_eq!(h.end("a", false), End::Discard(2));
        assert_eq!(h.end("b", true), End::Release(vec![body("b1")]));
        assert_eq!((h.events(), h.bytes()), (0, 0));
        assert_eq!(h.end("never-seen", true), End::Release(vec![]));
        assert_eq!(h.end("never-seen", false), End::Discard(0));
    }

    #[test]
    fn an_error_releases_the_run_and_lets_its_later_records_through() {
        let mut h = Hold::default();
        assert_eq!(h.offer("a", body("1"), false), Offer::Held);
        assert_eq!(
            h.offer("a", body("2"), true),
            Offer::Release(vec![body("1"), body("2")])
        );
        assert_eq!(
            h.offer("a", body("3"), false),
            Offer::Release(vec![body("3")])
        );
        assert_eq!(h.events(), 0);
        assert_eq!(h.errored_runs(), 1);
        assert_eq!(h.end("a", false), End::Release(vec![]));
        assert_eq!(h.errored_runs(), 0);
        assert_eq!(
            h.offer("e", body("x"), true),
            Offer::Release(vec![body("x")])
        );
        h.forget_oldest_errored();
        assert_eq!(h.errored_runs(), 0);
        assert_eq!(h.offer("e", body("y"), false), Offer::Held);
    }

    #[test]
    fn eviction_takes_the_oldest_run_with_records() {
        let mut h = Hold::default();
        let _ = h.offer("old", body("1"), false);
        let _ = h.offer("err", body("!"), true);
        let _ = h.offer("new", body("2"), false);
        let _ = h.offer("old", body("3"), false);
        assert_eq!(h.evict_oldest(), Some(2));
        assert_eq!(h.evict_oldest(), Some(1));
        assert_eq!(h.evict_oldest(), None);
        assert_eq!(h.events(), 0);
        let _ = h.offer("z", body("1"), false);
        assert_eq!(h.clear(), 1);
        assert_eq!(h.end("z", false), End::Discard(0));
    }

    /// A run in the model: its name, creation order, whether it errored, its held bodies.
    type ModelRun = (String, u64, bool, Vec<Box<[u8]>>);

    /// The hold's semantics in the plainest form: runs in a list in creation order.
    #[derive(Default)]
    struct Model {
        runs: Vec<ModelRun>,
        next: u64,
    }

    impl Model {
        fn at(&self, run: &str) -> Option<usize> {
            self.runs.iter().position(|r| r.0 == run)
        }

        fn offer(&mut self, run: &str, body: Box<[u8]>, is_error: bool) -> Offer {
            if let Some(i) = self.at(run) {
                let r = &mut self.runs[i];
                if r.2 {
                    return Offer::Release(vec![body]);
                }
                if !is_error {
                    r.3.push(body);
                    return Offer::Held;
                }
                r.2 = true;
                let mut bodies = std::mem::take(&mut r.3);
                bodies.push(body);
                return Offer::Release(bodies);
            }
            self.next += 1;
            let held = if is_error { vec![] } else { vec![body.clone()] };
            self.runs.push((run.into(), self.next, is_error, held));
            if is_error {
                Offer::Release(vec![body])
            } else {
                Offer::Held
            }
        }

        fn end(&mut self, run: &str, error: bool) -> End {
            match self.at(run).map(|i| self.runs.remove(i)) {
                None if error => End::Release(vec![]),
                None => End::Discard(0),
                Some(r) if r.2 || error => End::Release(r.3),
                Some(r) => End::Discard(r.3.len()),
            }
        }

        fn oldest(&self, errored: bool) -> Option<usize> {
            (self.runs.iter().enumerate())
                .filter(|(_, r)| r.2 == errored)
                .min_by_key(|(_, r)| r.1)
                .map(|(i, _)| i)
        }

        fn evict_oldest(&mut self) -> Option<usize> {
            let i = self.oldest(false)?;
            Some(self.runs.remove(i).3.len())
        }

        fn forget_oldest_errored(&mut self) {
            if let Some(i) = self.oldest(true) {
                self.runs.remove(i);
            }
        }

        fn counts(&self) -> (usize, usize, usize) {
            let held = self.runs.iter().flat_map(|r| &r.3);
            let events = held.clone().count();
            let bytes = held.map(|b| b.len()).sum();
            (events, bytes, self.runs.iter().filter(|r| r.2).count())
        }
    }

    #[test]
    fn the_hold_does_what_a_plain_list_of_runs_does() {
        // Seeded operations over a few run names, long enough for many runs to end and
        // their stale order entries to be compacted away again and again.
        for seed in 1..=20u64 {
            let (mut h, mut m) = (Hold::default(), Model::default());
            let mut x = seed;
            let mut next = || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            for step in 0..3000 {
                let r = next();
                let run = format!("run-{}", r % 9);
                let body: Box<[u8]> = vec![b'x'; (r >> 8) as usize % 5 + 1].into();
                match (r >> 16) % 20 {
                    0..=9 => assert_eq!(
                        h.offer(&run, body.clone(), false),
                        m.offer(&run, body, false)
                    ),
                    10 => assert_eq!(h.offer(&run, body.clone(), true), m.offer(&run, body, true)),
                    11..=15 => assert_eq!(h.end(&run, false), m.end(&run, false)),
                    16 => assert_eq!(h.end(&run, true), m.end(&run, true)),
                    17 | 18 => assert_eq!(h.evict_oldest(), m.evict_oldest()),
                    _ => {
                        h.forget_oldest_errored();
                        m.forget_oldest_errored();
                    }
                }
                assert_eq!(
                    (h.events(), h.bytes(), h.errored_runs()),
                    m.counts(),
                    "seed {seed} step {step}"
                );
                let stale = h.clean.entries.len() + h.errored.entries.len();
                assert!(
                    stale <= 2 * h.runs.len() + 64,
                    "order lists stay bounded: {stale}"
                );
            }
        }
    }
}
