/**
 * Fan-out to several destinations. There is no composite object: the tracker gives each
 * exporter its own sink in the core pipeline (its own batcher, retries and accounting,
 * see `core/exporter.ts`; redaction once for all), so a list of exporters already fans
 * out, and a slow or failing destination never holds up the others. `compositeExporter` checks and flattens the
 * list, refusing an empty one as Agent Inspector's `CompositeExporter` does.
 */
import type { Exporter } from "../core/exporter.js";
import { optionError } from "../core/errors.js";

/**
 * Flattens `exporters` (nested lists allowed) into the list the tracker fans out to.
 *
 * @example
 * ```ts
 * import { compositeExporter, createConsoleExporter, createHttpExporter } from "@agentlens/sdk";
 * const exporters = compositeExporter([
 *   createHttpExporter({ endpoint: "http://127.0.0.1:3000", apiKey: "dev-key" }),
 *   createConsoleExporter(),
 * ]);
 * exporters.length; // 2
 * ```
 *
 * # Errors
 * Throws `AgentLensConfigError` if the list is empty or an item is not an exporter.
 */
export function compositeExporter(exporters: ReadonlyArray<Exporter | ReadonlyArray<Exporter>>): Exporter[] {
  if (!isList(exporters)) {
    throw optionError("exporters", "must be an array of exporters", exporters);
  }
  const flat: Exporter[] = [];
  const visit = (item: unknown, where: string): void => {
    if (isList(item)) {
      forEachPresent(item, (inner, i) => visit(inner, `${where}[${i}]`));
      return;
    }
    if (!isExporter(item)) {
      throw optionError(`exporters${where}`, 'must be an exporter (a name, format "agentlens" or "ndjson", and send())', item);
    }
    flat.push(item);
  };
  forEachPresent(exporters, (item, i) => visit(item, `[${i}]`));
  if (flat.length === 0) {
    throw optionError("exporters", "must hold at least one exporter");
  }
  return flat;
}

/**
 * `list.forEach(f)` at a cost proportional to the items present (a sparse `a[1e9] = x`
 * is one item, not a billion indexes to look at).
 */
function forEachPresent(list: readonly unknown[], f: (item: unknown, index: number) => void): void {
  for (const key of Object.keys(list)) {
    const i = Number(key);
    if (Number.isInteger(i) && i >= 0 && i < list.length && String(i) === key) f(list[i], i);
  }
}

/** `Array.isArray`, false for a revoked Proxy (whose check throws). */
function isList(x: unknown): x is unknown[] {
  try {
    return Array.isArray(x);
  } catch {
    return false;
  }
}

function isExporter(x: unknown): x is Exporter {
  if (typeof x !== "object" || x === null) return false;
  const e = x as Partial<Exporter>;
  try {
    return typeof e.name === "string" && (e.format === "agentlens" || e.format === "ndjson") && typeof e.send === "function";
  } catch {
    return false; // a getter or Proxy trap threw: not an exporter we can use
  }
}
