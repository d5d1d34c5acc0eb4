//! What an event says it used, by unit, and which provider served it.
//!
//! The event model counts as OpenTelemetry does: `tokens_in` includes cache reads and
//! writes, `tokens_out` includes reasoning. Cache writes, audio and image tokens travel in
//! the event's attributes under the names the importers and integrations give them.

use serde_json::{Map, Value};

use super::rates::{Unit, Usage};
use crate::model::Event;

/// Attribute names that say which provider served a call, most specific first.
const PROVIDER_KEYS: &[&str] = &[
    "gen_ai.provider.name",
    "gen_ai.system",
    "ai.model.provider",
    "llm.provider",
    "ls_provider",
    "provider",
];

/// Attribute names of the counts kept outside the event's own fields.
const ATTRIBUTE_UNITS: &[(Unit, &[&str])] = &[
    (
        Unit::CacheWrite,
        &[
            "cache_creation_input_tokens",
            "gen_ai.usage.cache_creation.input_tokens",
            "cache_write_tokens",
        ],
    ),
    (
        Unit::CacheWrite1h,
        &["cache_creation_1h_input_tokens", "cache_write_1h_tokens"],
    ),
    (
        Unit::InputAudio,
        &[
            "gen_ai.usage.audio.input_tokens",
            "audio_input_tokens",
            "input_audio_tokens",
        ],
    ),
    (
        Unit::CacheAudioRead,
        &["cache_audio_read_tokens", "cached_audio_input_tokens"],
    ),
    (
        Unit::InputImage,
        &[
            "gen_ai.usage.image.input_tokens",
            "image_input_tokens",
            "input_image_tokens",
        ],
    ),
    (
        Unit::OutputAudio,
        &[
            "gen_ai.usage.audio.output_tokens",
            "audio_output_tokens",
            "output_audio_tokens",
        ],
    ),
    (
        Unit::OutputImage,
        &[
            "gen_ai.usage.image.output_tokens",
            "image_output_tokens",
            "output_image_tokens",
        ],
    ),
];

fn count(attrs: &Map<String, Value>, names: &[&str]) -> u64 {
    names
        .iter()
        .find_map(|n| attrs.get(*n).and_then(Value::as_f64))
        .filter(|n| n.is_finite() && *n > 0.0)
        .map_or(0, |n| n as u64)
}

/// The provider the event names, when it names one.
pub(crate) fn event_provider(event: &Event) -> Option<&str> {
    let attrs = event.attributes.as_ref()?;
    PROVIDER_KEYS
        .iter()
        .find_map(|k| attrs.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The event's usage by unit. A part is clamped to what contains it (cache reads and
/// writes together to `tokens_in`, reasoning to `tokens_out`), so an inconsistent count
/// can never price a token twice.
pub(crate) fn event_usage(event: &Event) -> Usage {
    let mut u = Usage::default();
    let input = event.tokens_in.unwrap_or(0);
    let output = event.tokens_out.unwrap_or(0);
    u.set(Unit::Input, input);
    u.set(Unit::Output, output);
    u.set(Unit::Requests, 1);
    let cached = event.cached_input_tokens.unwrap_or(0).min(input);
    u.set(Unit::CacheRead, cached);
    u.set(
        Unit::OutputReasoning,
        event.reasoning_tokens.unwrap_or(0).min(output),
    );
    if let Some(attrs) = &event.attributes {
        for (unit, names) in ATTRIBUTE_UNITS {
            u.set(*unit, count(attrs, names));
        }
    }
    let clamp = |u: &mut Usage, unit: Unit, max: u64| u.set(unit, u.get(unit).min(max));
    clamp(&mut u, Unit::CacheWrite, input - cached);
    let writes = u.get(Unit::CacheWrite);
    clamp(&mut u, Unit::CacheWrite1h, writes);
    clamp(&mut u, Unit::InputAudio, input);
    let audio_in = u.get(Unit::InputAudio);
    clamp(&mut u, Unit::InputImage, input - audio_in);
    clamp(&mut u, Unit::CacheAudioRead, cached.min(audio_in));
    clamp(&mut u, Unit::OutputAudio, output);
    let audio_out = u.get(Unit::OutputAudio);
    clamp(&mut u, Unit::OutputImage, output - audio_out);
    u
}
