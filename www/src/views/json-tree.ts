// Collapsible JSON built from <details> elements; keys and values are text nodes only.
import { h } from "../dom";

const MAX_CHILDREN = 500;
const MAX_STRING = 20_000;

function leaf(value: unknown): HTMLElement {
  if (value === null) return h("span", { class: "j-null" }, "null");
  switch (typeof value) {
    case "string": {
      const text = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
      return h("span", { class: "j-str" }, JSON.stringify(text));
    }
    case "number":
      return h("span", { class: "j-num" }, String(value));
    case "boolean":
      return h("span", { class: "j-bool" }, String(value));
    default:
      return h("span", { class: "j-null" }, String(value));
  }
}

/** A collapsible view of `value`; containers deeper than `openDepth` start closed. */
export function jsonTree(value: unknown, openDepth = 2, depth = 0): HTMLElement {
  if (value === null || typeof value !== "object") return leaf(value);
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const brackets = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return h("span", { class: "j-empty" }, brackets.join(""));
  const details = h("details", { class: "j-node", open: depth < openDepth });
  details.appendChild(h("summary", null, `${brackets[0]} ${entries.length} ${Array.isArray(value) ? "items" : "keys"} ${brackets[1]}`));
  const list = h("div", { class: "j-children" });
  for (const [key, child] of entries.slice(0, MAX_CHILDREN)) {
    list.appendChild(h("div", { class: "j-entry" }, h("span", { class: "j-key" }, key), ": ", jsonTree(child, openDepth, depth + 1)));
  }
  if (entries.length > MAX_CHILDREN) list.appendChild(h("div", { class: "j-more" }, `… ${entries.length - MAX_CHILDREN} more`));
  details.appendChild(list);
  return details;
}
