//! Integration tests: one binary, one module per concern.

mod analysis;
mod analysis_alert;
mod analysis_alert_stream;
mod analysis_compliance;
mod analysis_cost;
mod analysis_cost_providers;
mod analysis_drift;
mod analysis_forecast;
mod batch;
mod batch_delivery;
mod codec;
mod fixtures;
mod import;
mod import_otlp_proto;
mod live_ai_sdk;
mod live_langchain;
mod live_openai_agents;
mod live_otel;
mod ndjson_readers;
mod otlp_export;
mod pipeline;
mod redact;
mod redact_canary;
mod semantics;
mod wire_compat;
