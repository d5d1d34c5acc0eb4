//! The default table: no entries of the user's, over the price catalog bundled with the
//! crate when it is built with the `bundled-prices` feature (native builds, the tests).
//! The wasm builds embed no prices: their host hands the same catalog file in
//! (`bindings/wasm`), so every host prices with the same data.

#[cfg(feature = "bundled-prices")]
use super::PriceCatalog;
use super::PricingTable;

impl Default for PricingTable {
    /// No entries of the user's, over [`PriceCatalog::bundled`] when the crate has it.
    fn default() -> Self {
        let table = Self::empty();
        #[cfg(feature = "bundled-prices")]
        let table = table.with_catalog(PriceCatalog::bundled());
        table
    }
}

#[cfg(feature = "bundled-prices")]
impl PriceCatalog {
    /// The catalog of `bindings/sdk/prices/genai-prices.json`, read once.
    pub fn bundled() -> std::sync::Arc<Self> {
        static BUNDLED: std::sync::OnceLock<std::sync::Arc<PriceCatalog>> =
            std::sync::OnceLock::new();
        const DATA: &str = include_str!("../../../bindings/sdk/prices/genai-prices.json");
        BUNDLED
            .get_or_init(|| {
                std::sync::Arc::new(
                    Self::from_json(DATA).unwrap_or_else(|e| panic!("bundled prices: {e}")),
                )
            })
            .clone()
    }
}
