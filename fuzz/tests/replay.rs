//! Replays every fuzz target's seeds and past findings (`tests/fixtures/fuzz/<target>/`):
//! each must run without a panic and pass the target's oracles, so what the fuzzer found
//! stays fixed. Also checks that the mutator is deterministic (a run can be replayed).

use std::path::PathBuf;

use agentlens_fuzz::driver::{corpus, fixtures};
use agentlens_fuzz::mutate::{MAX_LEN, Mutator};
use agentlens_fuzz::targets::TARGETS;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn every_seed_and_every_past_finding_passes_its_target() {
    let mut replayed = 0;
    for target in TARGETS {
        for (i, input) in corpus(&root(), &target).iter().enumerate() {
            if let Err(what) = (target.check)(input) {
                panic!("{} input #{i}: {what}", target.name);
            }
            replayed += 1;
        }
    }
    assert!(replayed >= TARGETS.len(), "every target has seeds");
}

#[test]
fn findings_are_named_by_kind_and_live_under_a_target() {
    let dir = root().join("tests/fixtures/fuzz");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_str().unwrap();
            assert!(
                TARGETS.iter().any(|t| t.name == name),
                "{name} is not a fuzz target"
            );
        }
    }
    for target in TARGETS {
        for (path, _) in fixtures(&root(), &target) {
            let name = path.file_name().unwrap().to_str().unwrap();
            assert!(
                ["crash-", "hang-", "oracle-"]
                    .iter()
                    .any(|k| name.starts_with(k)),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn the_mutator_is_deterministic_and_bounded() {
    let seeds = vec![
        b"{\"events\":[{\"a\":1}]}".to_vec(),
        vec![0x0a, 0x02, 0x08, 0x01],
    ];
    let mut a = Mutator::new(42, seeds.clone());
    let mut b = Mutator::new(42, seeds.clone());
    let mut c = Mutator::new(43, seeds);
    let mut differs = false;
    for _ in 0..500 {
        let (x, y, z) = (a.next_input(), b.next_input(), c.next_input());
        assert_eq!(x, y);
        assert!(x.len() <= MAX_LEN);
        differs |= x != z;
    }
    assert!(differs, "another seed gives other inputs");
}
