//! Value conversion across the boundary.
//!
//! Numbers cross as f64 milliseconds, bulk bytes as `Uint8Array`, accounting as plain
//! objects. Request ids are sequence counters, far below 2^53, so they cross as numbers.

#[cfg(not(feature = "analysis"))]
use agentlens::batch::Notice;
#[cfg(not(feature = "analysis"))]
use agentlens::time::Millis;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

pub(crate) fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting a plain data property on a fresh Object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Host milliseconds to the core's monotonic time; negative or non-finite becomes 0.
#[cfg(not(feature = "analysis"))]
pub(crate) fn millis(ms: f64) -> Millis {
    if ms.is_finite() && ms > 0.0 {
        Millis(ms as u64)
    } else {
        Millis::ZERO
    }
}

/// A pipeline notice as the host reads it (SDK build: the pipeline's), less its `sink`
/// (a delivery crosses as numbers, `PipelineWasm::drain_to`).
#[cfg(not(feature = "analysis"))]
pub(crate) fn notice(n: Notice) -> JsValue {
    let o = Object::new();
    match n {
        Notice::Dropped { reason, count } => {
            set(&o, "type", &"dropped".into());
            set(&o, "reason", &reason.as_str().into());
            set(&o, "count", &(count as f64).into());
        }
        Notice::Retrying {
            request,
            attempt,
            delay,
        } => {
            set(&o, "type", &"retrying".into());
            set(&o, "id", &(request as f64).into());
            set(&o, "attempt", &attempt.into());
            set(&o, "delayMs", &(delay.0 as f64).into());
        }
        Notice::Failed {
            request,
            failure,
            warn,
        } => {
            set(&o, "type", &"failed".into());
            set(&o, "id", &(request as f64).into());
            set(&o, "problem", &failure.problem.as_str().into());
            set(
                &o,
                "status",
                &failure.status.map_or(JsValue::NULL, |s| s.into()),
            );
            set(
                &o,
                "gaveUp",
                &failure.gave_up.map_or(JsValue::NULL, |r| r.as_str().into()),
            );
            set(&o, "warn", &warn.into());
        }
        Notice::PartialSuccess {
            request,
            rejected,
            warn,
        } => {
            set(&o, "type", &"partialSuccess".into());
            set(&o, "id", &(request as f64).into());
            set(&o, "rejected", &(rejected as f64).into());
            set(&o, "warn", &warn.into());
        }
        Notice::ShutdownComplete { delivered, dropped } => {
            set(&o, "type", &"shutdownComplete".into());
            set(&o, "delivered", &(delivered as f64).into());
            set(&o, "dropped", &(dropped as f64).into());
        }
        #[allow(unreachable_patterns)]
        _ => set(&o, "type", &"unknown".into()),
    }
    o.into()
}

/// Serialises core data to a plain JS object (via JSON, so u64 counters become numbers).
pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
}
