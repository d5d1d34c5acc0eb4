//! The regex engine for user-supplied patterns, across two wasm modules.
//!
//! The SDK's build leaves the core's built-in engine out (~70 KB gzipped). Its host loads
//! the patterns build (feature `patterns`: [`RegexEngineWasm`], the core's
//! `RegexPatternEngine` alone) when some pattern needs it and hands it in with
//! `usePatternEngine`; the core then compiles and searches through [`HostEngine`]. A
//! haystack crosses as a pointer into this module's memory, which the host copies into
//! the other's: no string is decoded or encoded on the way.
//!
//! The same module holds the price data (`price_book.rs`): the SDK's OTLP sinks price each
//! model call through [`host::pricer`], which hands the host the call's provider, model,
//! time and usage.

#[cfg(feature = "patterns")]
pub use engine_module::RegexEngineWasm;

#[cfg(not(any(feature = "analysis", feature = "live", feature = "patterns")))]
pub use host::{PatternHost, use_pattern_engine};
#[cfg(not(any(feature = "analysis", feature = "live", feature = "patterns")))]
pub(crate) use host::{engine, pricer};

/// The SDK build's side: the engine the host supplied.
#[cfg(not(any(feature = "analysis", feature = "live", feature = "patterns")))]
mod host {
    use std::cell::RefCell;
    use std::sync::Arc;

    use agentlens::analysis::cost::{CallPricer, PricedCall, Pricer};
    use agentlens::redact::{Compiled, PatternEngine};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(typescript_custom_section)]
    const PATTERN_HOST: &'static str = r#"
/** The host's adapter over the regex engine's module (`usePatternEngine`). */
export interface PatternHost {
  attach(memory: { buffer: ArrayBuffer }): void;
  compile(pattern: string): Uint32Array;
  capturesAt(program: number, ptr: number, len: number, from: number, sameHaystack: boolean): Uint32Array;
  matchesEmptyIn(program: number, text: string): boolean;
  isMatch(program: number, ptr: number, len: number): boolean;
  release(program: number): void;
  /** What a model call cost (USD), NaN when its model has no price: `prices` is the id given to `usePrices`. */
  costUsd(prices: number, provider: string, model: string, atMs: number, usage: Float64Array): number;
}
"#;

    #[wasm_bindgen]
    extern "C" {
        /// The host's adapter over the patterns module (the SDK's `patterns.ts`).
        #[wasm_bindgen(typescript_type = "PatternHost")]
        pub type PatternHost;

        /// This module's memory, which haystack pointers point into.
        #[wasm_bindgen(method)]
        fn attach(this: &PatternHost, memory: JsValue);
        /// `[program, capturesLen, valueGroup]` (`valueGroup` -1 when there is none);
        /// throws the compile error's text.
        #[wasm_bindgen(method, catch)]
        fn compile(this: &PatternHost, pattern: &str) -> Result<Vec<u32>, JsValue>;
        /// The groups' spans as `[start, end, ...]` (`u32::MAX` for a group that took no
        /// part), or an empty array when nothing matched. `same`: the text is the last
        /// call's, already copied.
        #[wasm_bindgen(method, js_name = capturesAt)]
        fn captures_at(
            this: &PatternHost,
            program: u32,
            ptr: u32,
            len: u32,
            from: u32,
            same: bool,
        ) -> Vec<u32>;
        #[wasm_bindgen(method, js_name = matchesEmptyIn)]
        fn matches_empty_in(this: &PatternHost, program: u32, text: &str) -> bool;
        #[wasm_bindgen(method, js_name = isMatch)]
        fn is_match(this: &PatternHost, program: u32, ptr: u32, len: u32) -> bool;
        #[wasm_bindgen(method)]
        fn release(this: &PatternHost, program: u32);
        /// What a call cost in USD, NaN when its model has no price (`price_book.rs`).
        #[wasm_bindgen(method, js_name = costUsd)]
        fn cost_usd(
            this: &PatternHost,
            prices: u32,
            provider: &str,
            model: &str,
            at_ms: f64,
            usage: &[f64],
        ) -> f64;
    }

    thread_local! {
        static HOST: RefCell<Option<PatternHost>> = const { RefCell::new(None) };
    }

    /// Installs the host's regex engine for the redactors and price data built from now
    /// on. Called once by the SDK when it loads the patterns module.
    #[wasm_bindgen(js_name = usePatternEngine)]
    pub fn use_pattern_engine(host: PatternHost) {
        host.attach(wasm_bindgen::memory());
        HOST.with(|h| *h.borrow_mut() = Some(host));
    }

    /// The host's engine, if it supplied one.
    pub(crate) fn engine() -> Option<Arc<dyn PatternEngine>> {
        let installed = HOST.with(|h| h.borrow().is_some());
        installed.then(|| Arc::new(HostEngine) as Arc<dyn PatternEngine>)
    }

    /// A pricer over the price data the host loaded as `prices`, when a host is installed.
    pub(crate) fn pricer(prices: u32) -> Option<Pricer> {
        let installed = HOST.with(|h| h.borrow().is_some());
        installed.then(|| Pricer::new(HostPricer { prices }))
    }

    /// The core's view of the host's price data.
    #[derive(Debug)]
    struct HostPricer {
        prices: u32,
    }

    impl CallPricer for HostPricer {
        fn cost_usd(&self, call: &PricedCall<'_>) -> Option<f64> {
            let usage = call.usage.map(|n| n as f64);
            let at_ms = call.at.map_or(f64::NAN, |t| (t.0 / 1_000_000) as f64);
            let (provider, model) = (call.provider.unwrap_or(""), call.model);
            let usd = with_host(|h| h.cost_usd(self.prices, provider, model, at_ms, &usage))?;
            usd.is_finite().then_some(usd)
        }
    }

    fn with_host<R>(f: impl FnOnce(&PatternHost) -> R) -> Option<R> {
        HOST.with(|h| h.borrow().as_ref().map(f))
    }

    /// The core's view of the host's engine.
    #[derive(Debug)]
    struct HostEngine;

    fn span(at: &[u32]) -> Option<(usize, usize)> {
        match *at {
            [start, end] if start != u32::MAX => Some((start as usize, end as usize)),
            _ => None,
        }
    }

    impl PatternEngine for HostEngine {
        fn compile(&self, pattern: &str) -> Result<Compiled, String> {
            let answer = with_host(|h| h.compile(pattern)).ok_or("no regex engine")?;
            match answer.map_err(|e| {
                e.as_string()
                    .unwrap_or_else(|| "the regex engine failed".into())
            })?[..]
            {
                [program, captures_len, value_group] => Ok(Compiled {
                    program,
                    captures_len: captures_len as usize,
                    value_group: (value_group != u32::MAX).then_some(value_group as usize),
                }),
                _ => Err("the regex engine answered nonsense".into()),
            }
        }

        fn captures_at(
            &self,
            program: u32,
            haystack: &str,
            from: usize,
            same_haystack: bool,
            groups: &mut [Option<(usize, usize)>],
        ) -> bool {
            let (ptr, len) = (haystack.as_ptr() as usize as u32, haystack.len() as u32);
            let spans = with_host(|h| h.captures_at(program, ptr, len, from as u32, same_haystack));
            let Some(spans) = spans.filter(|s| !s.is_empty()) else {
                return false;
            };
            for (g, at) in groups.iter_mut().zip(spans.chunks(2)) {
                *g = span(at);
            }
            true
        }

        fn matches_empty_in(&self, program: u32, text: &str) -> bool {
            with_host(|h| h.matches_empty_in(program, text)).unwrap_or(false)
        }

        fn is_match(&self, program: u32, haystack: &str) -> bool {
            let ptr = haystack.as_ptr() as usize as u32;
            with_host(|h| h.is_match(program, ptr, haystack.len() as u32)).unwrap_or(false)
        }

        fn release(&self, program: u32) {
            with_host(|h| h.release(program));
        }
    }
}

/// The patterns build's side: the core's built-in engine, exported.
#[cfg(feature = "patterns")]
mod engine_module {
    use std::cell::RefCell;

    use agentlens::redact::{PatternEngine, RegexPatternEngine};
    use wasm_bindgen::prelude::*;

    /// The core's built-in regex engine (the `regex` crate's syntax and matching), and the
    /// text it searches (copied in once, searched once per match).
    #[wasm_bindgen]
    #[derive(Default)]
    pub struct RegexEngineWasm {
        engine: RegexPatternEngine,
        haystack: RefCell<String>,
    }

    fn text(bytes: &[u8]) -> &str {
        // The SDK's module hands in the bytes of a Rust `&str`.
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    #[wasm_bindgen]
    impl RegexEngineWasm {
        /// An engine with no programs.
        #[wasm_bindgen(constructor)]
        pub fn new() -> Self {
            Self::default()
        }

        /// `[program, capturesLen, valueGroup]` (`valueGroup` 2^32-1 when there is none);
        /// throws the compile error's text.
        pub fn compile(&self, pattern: &str) -> Result<Vec<u32>, String> {
            let c = self.engine.compile(pattern)?;
            let value = c.value_group.map_or(u32::MAX, |v| v as u32);
            Ok(vec![c.program, c.captures_len as u32, value])
        }

        /// Keeps `haystack` (the bytes of a Rust `&str` in the SDK's module) for
        /// `capturesAt`.
        #[wasm_bindgen(js_name = setHaystack)]
        pub fn set_haystack(&self, haystack: &[u8]) {
            let mut kept = self.haystack.borrow_mut();
            kept.clear();
            kept.push_str(text(haystack));
        }

        /// The groups' spans of `program`'s leftmost-first match in the kept haystack at or
        /// after `from`, as `[start, end, ...]` (2^32-1 for a group that took no part);
        /// empty when none.
        #[wasm_bindgen(js_name = capturesAt)]
        pub fn captures_at(&self, program: u32, from: u32, groups: u32) -> Vec<u32> {
            let mut spans = vec![None; groups as usize];
            let haystack = self.haystack.borrow();
            let found =
                (self.engine).captures_at(program, &haystack, from as usize, true, &mut spans);
            if !found {
                return Vec::new();
            }
            spans
                .iter()
                .flat_map(|g| match g {
                    Some((s, e)) => [*s as u32, *e as u32],
                    None => [u32::MAX, u32::MAX],
                })
                .collect()
        }

        /// Whether `program` matches the empty string somewhere in `text`.
        #[wasm_bindgen(js_name = matchesEmptyIn)]
        pub fn matches_empty_in(&self, program: u32, text: &str) -> bool {
            self.engine.matches_empty_in(program, text)
        }

        /// Whether `program` matches anywhere in `haystack`.
        #[wasm_bindgen(js_name = isMatch)]
        pub fn is_match(&self, program: u32, haystack: &[u8]) -> bool {
            self.engine.is_match(program, text(haystack))
        }

        /// Frees `program`.
        pub fn release(&self, program: u32) {
            self.engine.release(program);
        }

        /// The number of programs compiled and not yet released.
        #[wasm_bindgen(js_name = livePrograms)]
        pub fn live_programs(&self) -> u32 {
            self.engine.live_programs() as u32
        }
    }
}
