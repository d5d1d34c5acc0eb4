// TEMPORARY: NDJSON and JSON-array decoding used only until agentlens/analysis ships
// createTraceImporter (then this file is deleted). Not the viewer's real decoder.
import type { WireEvent } from "./contract";
import type { Importer } from "./decode";

export function fallbackImporter(): Importer {
  const dec = new TextDecoder();
  let rest = "";
  let line = 0;
  let whole = "";
  let json = false;
  const parseLine = (text: string): WireEvent[] => {
    line++;
    const t = text.trim();
    if (!t) return [];
    try {
      const v = JSON.parse(t);
      return v && typeof v === "object" && !("format" in v && "version" in v) ? [v] : [];
    } catch (e) {
      throw new Error(`line ${line}: ${(e as Error).message}`);
    }
  };
  return {
    format: "ndjson",
    warnings: [],
    push(bytes) {
      const text = rest + dec.decode(bytes, { stream: true });
      if (json || (!rest && line === 0 && /^\s*\[/.test(text))) {
        json = true;
        whole += text;
        rest = "";
        return [];
      }
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      return lines.flatMap(parseLine);
    },
    finish() {
      if (json) return JSON.parse(whole + rest);
      return parseLine(rest);
    },
  };
}
