// The price catalog the price tests install (not a test file itself).

/** A catalog whose one model changed price on 2026-03-01: 4/16 before, 1/4 from then. */
export const DATED = {
  agentlens_price_catalog: 1,
  source: { name: "test-prices", version: "7", licence: "MIT", url: "https://example.invalid/prices", as_of: "2026-06-01" },
  providers: [
    {
      id: "acme",
      name: "Acme",
      models: [
        {
          id: "acme-large",
          match: { starts_with: "acme-large" },
          prices: [
            { prices: { input_mtok: 4, output_mtok: 16 } },
            { constraint: { start_date: "2026-03-01" }, prices: { input_mtok: 1, output_mtok: 4, cache_read_mtok: 0.1 } },
          ],
        },
      ],
    },
  ],
};
