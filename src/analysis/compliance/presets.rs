//! The seed's preset policies.

use super::policy::default_version;
use super::{CompliancePolicy, ComplianceRule, Severity, kind};

/// The seed's strict production policy: max_tokens 50000, max_events 200,
/// max_duration_ms 300000, max_error_rate 0.10, require_reasoning 1.0, and the tools
/// `execute_code` and `shell` forbidden.
pub fn strict_policy() -> CompliancePolicy {
    CompliancePolicy {
        name: "strict".into(),
        description: "Strict production policy".into(),
        version: default_version(),
        rules: vec![
            ComplianceRule::new(kind::MAX_TOKENS)
                .with_description("Token budget")
                .with_limit(50_000.0),
            ComplianceRule::new(kind::MAX_EVENTS)
                .with_description("Event count limit")
                .with_limit(200.0),
            ComplianceRule::new(kind::MAX_DURATION_MS)
                .with_description("Session duration")
                .with_limit(300_000.0),
            ComplianceRule::new(kind::MAX_ERROR_RATE)
                .with_description("Error rate")
                .with_threshold(0.10),
            ComplianceRule::new(kind::REQUIRE_REASONING)
                .with_description("Reasoning coverage")
                .with_threshold(1.0),
            ComplianceRule::new(kind::FORBIDDEN_TOOLS)
                .with_description("Dangerous tools blocked")
                .with_tools(["execute_code", "shell"]),
        ],
    }
}

/// The seed's permissive development policy: max_tokens 500000, max_events 1000, and
/// max_error_rate 0.25 as a warning.
pub fn permissive_policy() -> CompliancePolicy {
    CompliancePolicy {
        name: "permissive".into(),
        description: "Permissive development policy".into(),
        version: default_version(),
        rules: vec![
            ComplianceRule::new(kind::MAX_TOKENS)
                .with_description("Token budget")
                .with_limit(500_000.0),
            ComplianceRule::new(kind::MAX_EVENTS)
                .with_description("Event count limit")
                .with_limit(1000.0),
            ComplianceRule::new(kind::MAX_ERROR_RATE)
                .with_description("Error rate")
                .with_threshold(0.25)
                .with_severity(Severity::Warning),
        ],
    }
}
