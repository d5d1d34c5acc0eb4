//! The fuzz targets: one per decoder or importer, and the redaction scanner.
//!
//! A target takes any bytes and returns `Err` when an oracle fails: an error type that
//! is not the one the entry point documents, a message or warning that quotes the input
//! (the [`CANARY`]), or two readings that must agree and do not. A panic is a crash (the
//! driver catches it); a slow input is a hang (the driver times it).

use agentlens::import::{
    self, ImportConfig, ImportError, OtlpEncoding, TraceImporter, gunzip, gzip, import_otlp,
    import_trace_with,
};
use agentlens::ingest::{self, IngestError, Options};
use agentlens::redact::{Config, Redactor, Report, sanitize_events};
use agentlens::time::UnixNanos;
use serde_json::Value;

/// A marker the mutator plants in inputs: no error message or warning may contain it,
/// since the core promises never to quote the input (it may hold secrets).
pub const CANARY: &str = "Zx9Cnry";

/// The most a gzipped input may decompress to in a check (4 MiB): a 1 MiB input can
/// expand ~1000-fold, and reading 1 GB takes seconds however linear the reader is; the
/// limit itself is what [`ImportError::TooLarge`] proves.
pub const MAX_GUNZIPPED: u64 = 4 << 20;

/// What a check found wrong (a crash is a panic instead).
pub type Finding = String;

/// One fuzz target.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// Its name (the directory of its findings under `tests/fixtures/fuzz/`).
    pub name: &'static str,
    /// Seed files, relative to the repository root.
    pub seeds: &'static [&'static str],
    /// The check: `Err` for a broken oracle, else whether the input was read without
    /// error (the mutator keeps such inputs to mutate further).
    pub check: fn(&[u8]) -> Result<bool, Finding>,
}

/// Every target, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: [Target; 9] = [
    Target {
        name: "wire_body",
        seeds: &[
            "tests/fixtures/wire/python_sdk_batch.json",
            "tests/fixtures/import/agentlens_batch.json",
            "tests/fixtures/import/event_array.json",
        ],
        check: check_wire_body,
    },
    Target {
        name: "ndjson",
        seeds: &[
            "tests/fixtures/import/agentlens_trace.ndjson",
            "tests/fixtures/import/agentlens_trace.ndjson.gz",
        ],
        check: check_ndjson,
    },
    Target {
        name: "agentlens_export",
        seeds: &[
            "tests/fixtures/import/agentlens_session.json",
            "tests/fixtures/import/agentlens_batch.json",
            "tests/fixtures/import/event_array.json",
        ],
        check: check_file_import,
    },
    Target {
        name: "inspector_export",
        seeds: &["tests/fixtures/import/inspector_export.json"],
        check: check_file_import,
    },
    Target {
        name: "otlp_json",
        seeds: &[
            "tests/fixtures/import/otlp_genai.json",
            "tests/fixtures/otlp_proto/genai.json",
            "tests/fixtures/otlp_proto/agentlens.json",
        ],
        check: check_otlp_json,
    },
    Target {
        name: "otlp_proto",
        seeds: &[
            "tests/fixtures/otlp_proto/genai.pb",
            "tests/fixtures/otlp_proto/agentlens.pb",
        ],
        check: check_otlp_proto,
    },
    Target {
        name: "openai_agents",
        seeds: &["tests/fixtures/import/openai_agents.json"],
        check: check_openai_agents,
    },
    Target {
        name: "gzip",
        seeds: &[
            "tests/fixtures/import/agentlens_trace.ndjson.gz",
            "tests/fixtures/import/agentlens_trace.ndjson",
            "tests/fixtures/import/otlp_genai.json",
        ],
        check: check_gzip,
    },
    Target {
        name: "redact",
        seeds: &[
            "tests/fixtures/redact/default_classes.json",
            "tests/fixtures/redact/key_value_in_a_sentence.json",
            "tests/fixtures/redact/nested_keys.json",
            "tests/fixtures/redact/luhn_negative.json",
            "tests/fixtures/redact/truncate_unicode_string.json",
            "tests/fixtures/python_sdk/calls.json",
        ],
        check: check_redact,
    },
];

/// The target named `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.into_iter().find(|t| t.name == name)
}

/// What the ingest entry points get from the host in every check.
fn options() -> Options {
    Options {
        redactor: Redactor::new(Config::default()).expect("the default config is valid"),
        now: UnixNanos(1_767_225_600_000_000_000),
        seed: 17,
        compress: true,
        max_events: 10_000,
    }
}

/// The importers' limits in every check.
fn config() -> ImportConfig {
    ImportConfig {
        max_decompressed_bytes: MAX_GUNZIPPED,
    }
}

/// `Err` when `text` (an error message or warning) quotes the canary.
fn no_canary(what: &str, text: &str) -> Result<(), Finding> {
    if text.contains(CANARY) {
        return Err(format!("{what} quotes the input: {text:?}"));
    }
    Ok(())
}

fn no_canary_in(what: &str, lines: &[String]) -> Result<(), Finding> {
    lines.iter().try_for_each(|l| no_canary(what, l))
}

/// The errors `import_trace` documents.
fn import_error_ok(e: &ImportError) -> Result<(), Finding> {
    match e {
        ImportError::Empty
        | ImportError::UnknownFormat
        | ImportError::Json { .. }
        | ImportError::UnsupportedVersion { .. }
        | ImportError::NoEvents { .. }
        | ImportError::Gzip { .. }
        | ImportError::TooLarge { .. } => no_canary("import error", &e.to_string()),
        other => Err(format!(
            "import_trace returned an undocumented error: {other:?}"
        )),
    }
}

/// The errors the ingest entry points document (`import_ok` says which import errors).
fn ingest_error_ok(
    e: &IngestError,
    import_ok: fn(&ImportError) -> Result<(), Finding>,
) -> Result<(), Finding> {
    match e {
        IngestError::Import(inner) => import_ok(inner)?,
        IngestError::Decode(_) | IngestError::TooManyEvents { .. } => {}
        other => return Err(format!("undocumented ingest error: {other:?}")),
    }
    no_canary("ingest error", &e.to_string())
}

/// The normalisation and redaction every stored event goes through.
fn ingest_events(events: Vec<agentlens::model::Event>) -> Result<(), Finding> {
    match ingest::ingest_events(events, &options()) {
        Ok(batch) => no_canary_in("ingest warning", &batch.warnings()),
        Err(e) => ingest_error_ok(&e, import_error_ok),
    }
}

/// A file import read whole, then its events ingested.
fn import_whole(bytes: &[u8]) -> Result<Option<import::Import>, Finding> {
    match import_trace_with(bytes, config()) {
        Ok(read) => {
            no_canary_in("import warning", &read.warnings)?;
            ingest_events(read.events.clone())?;
            Ok(Some(read))
        }
        Err(e) => import_error_ok(&e).map(|()| None),
    }
}

/// Any trace file: read whole (the detector picks the reader), then ingested.
fn check_file_import(bytes: &[u8]) -> Result<bool, Finding> {
    import_whole(bytes).map(|read| read.is_some())
}

/// Wire bodies: `{"events":[…]}` and a bare array, through the ingest entry points.
fn check_wire_body(bytes: &[u8]) -> Result<bool, Finding> {
    let options = options();
    let mut accepted = false;
    for (name, result) in [
        ("ingest_body", ingest::ingest_body(bytes, &options)),
        ("ingest_array", ingest::ingest_array(bytes, &options)),
    ] {
        match result {
            Ok(batch) => {
                no_canary_in(name, &batch.warnings())?;
                accepted = true;
            }
            Err(IngestError::Import(e)) => {
                return Err(format!("{name} returned an import error: {e:?}"));
            }
            // Wire bodies only: an invalid event id refuses the call.
            Err(e @ IngestError::InvalidEventId { .. }) => no_canary(name, &e.to_string())?,
            Err(e) => ingest_error_ok(&e, import_error_ok)?,
        }
    }
    Ok(accepted)
}

/// Split points for the streaming reader, derived from the input (deterministic).
fn splits(bytes: &[u8]) -> Vec<usize> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes.iter().take(64) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut at = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        h = h.rotate_left(13).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ pos as u64;
        pos += 1 + (h % 97) as usize;
        at.push(pos.min(bytes.len()));
    }
    at
}

/// NDJSON (and any line-based file): the streaming reader, fed in uneven chunks, must
/// give what one whole read gives.
fn check_ndjson(bytes: &[u8]) -> Result<bool, Finding> {
    let whole = import_whole(bytes)?;
    let mut importer = TraceImporter::with_config(config());
    let mut events = Vec::new();
    let mut from = 0;
    let mut streamed: Result<(), ImportError> = Ok(());
    for to in splits(bytes) {
        if let Err(e) = importer.push_to(&bytes[from..to], &mut events) {
            streamed = Err(e);
            break;
        }
        from = to;
    }
    if streamed.is_ok() {
        streamed = importer.finish().map(|rest| events.extend(rest));
    }
    let accepted = whole.is_some();
    match (whole, streamed) {
        (Some(read), Ok(())) => {
            if read.events != events || read.warnings != importer.warnings() {
                return Err("chunked import differs from the whole import".into());
            }
            if Some(read.format) != importer.format() {
                return Err("chunked import detected another format".into());
            }
        }
        (None, Err(e)) => import_error_ok(&e)?,
        (Some(_), Err(e)) => return Err(format!("only the chunked import failed: {e:?}")),
        (None, Ok(())) => return Err("only the whole import failed".into()),
    }
    Ok(accepted)
}

/// OTLP/JSON bodies: the OTLP entry (only `Json` or `NotOtlp`), the ingest entry, and
/// the same bytes as a trace file.
fn check_otlp_json(bytes: &[u8]) -> Result<bool, Finding> {
    let accepted = check_otlp(bytes, OtlpEncoding::Json, |e| match e {
        ImportError::Json { .. } | ImportError::NotOtlp => Ok(()),
        other => Err(format!("import_otlp(json) returned {other:?}")),
    })?;
    Ok(check_file_import(bytes)? || accepted)
}

/// OTLP protobuf bodies: only `Protobuf` errors.
fn check_otlp_proto(bytes: &[u8]) -> Result<bool, Finding> {
    check_otlp(bytes, OtlpEncoding::Protobuf, |e| match e {
        ImportError::Protobuf { .. } => Ok(()),
        other => Err(format!("import_otlp(protobuf) returned {other:?}")),
    })
}

fn check_otlp(
    bytes: &[u8],
    encoding: OtlpEncoding,
    error_ok: fn(&ImportError) -> Result<(), Finding>,
) -> Result<bool, Finding> {
    let direct = import_otlp(bytes, encoding);
    match &direct {
        Ok(read) => no_canary_in("otlp warning", &read.warnings)?,
        Err(e) => {
            error_ok(e)?;
            no_canary("otlp error", &e.to_string())?;
        }
    }
    match ingest::ingest_otlp(bytes, encoding, &options()) {
        Ok(batch) => {
            no_canary_in("otlp ingest warning", &batch.batch.warnings())?;
            if direct.is_err() {
                return Err("ingest_otlp accepted what import_otlp refused".into());
            }
        }
        Err(e) => ingest_error_ok(&e, error_ok)?,
    }
    Ok(direct.is_ok())
}

/// OpenAI Agents exports as files, and the same records through the live mapper.
fn check_openai_agents(bytes: &[u8]) -> Result<bool, Finding> {
    let mut accepted = check_file_import(bytes)?;
    let text = String::from_utf8_lossy(bytes);
    for framework in import::live::Framework::ALL {
        let mut mapper = import::live::LiveMapper::new(framework);
        let mapped = mapper.map_json(&text);
        no_canary_in("live mapper warning", &mapped.warnings)?;
        accepted |= !mapped.events.is_empty();
        ingest_events(mapped.events)?;
    }
    Ok(accepted)
}

/// Gzip: the bytes as a gzip stream (only `Gzip`/`TooLarge`), as a trace file, and the
/// bytes gzipped and read back (they must come back as they were).
fn check_gzip(bytes: &[u8]) -> Result<bool, Finding> {
    const LIMIT: u64 = 4 << 20;
    let unpacked = gunzip(bytes, LIMIT);
    match &unpacked {
        Ok(out) if out.len() as u64 > LIMIT => return Err("gunzip passed its limit".into()),
        Ok(_) | Err(ImportError::Gzip { .. } | ImportError::TooLarge { .. }) => {}
        Err(other) => return Err(format!("gunzip returned {other:?}")),
    }
    if let Err(e) = import_trace_with(bytes, config()) {
        import_error_ok(&e)?;
    }
    let level = bytes.len() as u32 % 10;
    let packed = gzip(bytes, level);
    match gunzip(&packed, bytes.len() as u64) {
        Ok(back) if back == bytes => {}
        Ok(_) => return Err("gzip then gunzip changed the bytes".into()),
        Err(e) => return Err(format!("gunzip of our own gzip failed: {e:?}")),
    }
    check_ndjson(&packed)?;
    Ok(unpacked.is_ok())
}

/// The redaction scanner over any text, and redaction plus truncation over any JSON.
fn check_redact(bytes: &[u8]) -> Result<bool, Finding> {
    let redactor = Redactor::new(Config::default()).expect("the default config is valid");
    let text = String::from_utf8_lossy(bytes);
    let mut report = Report::default();
    let once = redactor.redact_str(&text, &mut report);
    let by_rule: u64 = report.by_pattern.values().sum();
    if by_rule != report.matches_redacted {
        return Err("the report's per-rule counts do not add up".into());
    }
    let marker = Config::default().marker.len() as u64;
    if once.len() as u64 > text.len() as u64 + report.matches_redacted * marker {
        return Err("redaction grew the text beyond its markers".into());
    }
    if report.matches_redacted == 0 && once != text {
        return Err("the text changed with no match reported".into());
    }
    let parsed = serde_json::from_str::<Value>(&text);
    let accepted = report.matches_redacted > 0 || parsed.is_ok();
    if let Ok(mut value) = parsed {
        let small = Config {
            max_field_bytes: 2 + bytes.len() % 64,
            max_event_bytes: 2 + bytes.len() % 512,
            ..Config::default()
        };
        let tight = Redactor::new(small).expect("budgets >= 2 are valid");
        tight.redact_and_truncate(&mut value, &mut Report::default());
        if let Ok(read) = import_trace_with(bytes, config()) {
            let mut events = read.events;
            sanitize_events(&tight, &mut events, &mut Report::default());
        }
    }
    Ok(accepted)
}
