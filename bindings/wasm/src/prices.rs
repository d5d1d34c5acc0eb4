//! The price catalog this instance prices with. The core embeds no prices: the host reads
//! `genai-prices.json` (shipped in the SDK package, or the file `agentlens prices update`
//! wrote) and hands it in once with `setPriceCatalog`, before anything is priced. Every
//! cost this instance computes is then priced over it, with the caller's own prices on top.

use std::cell::RefCell;
use std::sync::Arc;

use agentlens::analysis::cost::{PriceCatalog, PricingTable};
use serde::Serialize;
use wasm_bindgen::prelude::*;

thread_local! {
    static CATALOG: RefCell<Option<Arc<PriceCatalog>>> = const { RefCell::new(None) };
}

#[derive(Serialize)]
struct Info<'a> {
    source: &'a agentlens::analysis::cost::CatalogSource,
    providers: usize,
    models: usize,
}

fn info(c: &PriceCatalog) -> String {
    let (providers, models) = c.counts();
    let info = Info {
        source: c.source(),
        providers,
        models,
    };
    serde_json::to_string(&info).unwrap_or_else(|_| "null".into())
}

/// Reads price data (this project's catalog file or an upstream `genai-prices`
/// `prices.json`) and prices everything after with it. Returns
/// `{"source": {...}, "providers": n, "models": n}` as JSON; throws an
/// `AgentLensAnalysisError`-shaped error naming the bad entry, keeping the catalog it had.
#[wasm_bindgen(js_name = setPriceCatalog)]
pub fn set_price_catalog(text: &str) -> Result<String, JsValue> {
    let catalog = PriceCatalog::from_json(text).map_err(crate::analysis_full::analysis_error)?;
    let out = info(&catalog);
    CATALOG.with(|c| *c.borrow_mut() = Some(Arc::new(catalog)));
    Ok(out)
}

/// The catalog's source and size as [`set_price_catalog`] returns them, or `null` when
/// none was handed in.
#[wasm_bindgen(js_name = priceCatalogInfo)]
pub fn price_catalog_info() -> String {
    CATALOG.with(|c| c.borrow().as_deref().map_or_else(|| "null".into(), info))
}

/// An empty table over the catalog (when one was handed in).
pub(crate) fn base_table() -> PricingTable {
    let table = PricingTable::empty();
    CATALOG.with(|c| match c.borrow().clone() {
        Some(catalog) => table.with_catalog(catalog),
        None => table,
    })
}
