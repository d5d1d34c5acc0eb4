// A virtualised list of fixed-height rows: only the rows in view exist in the DOM, and
// rows are fetched from the worker a page at a time, so a million rows cost a screenful.

export interface VirtualOptions<T> {
  rowHeight: number;
  /** Fetches rows [offset, offset + limit). */
  fetch(offset: number, limit: number): Promise<T[]>;
  render(row: T, index: number): HTMLElement;
  onSelect(index: number, row: T | undefined): void;
  /** Called on Enter and on a double click. */
  onActivate?(index: number): void;
  label: string;
}

const PAGE = 200;
const OVERSCAN = 8;

export class VirtualList<T> {
  readonly el: HTMLElement;
  private readonly inner: HTMLElement;
  private total = 0;
  private generation = 0;
  private readonly pages = new Map<number, T[] | Promise<void>>();
  selected = -1;

  constructor(private readonly opts: VirtualOptions<T>) {
    this.el = document.createElement("div");
    this.el.className = "vlist";
    this.el.tabIndex = 0;
    this.el.setAttribute("role", "listbox");
    this.el.setAttribute("aria-label", opts.label);
    this.inner = document.createElement("div");
    this.inner.className = "vlist-inner";
    this.el.appendChild(this.inner);
    this.el.addEventListener("scroll", () => this.paint(), { passive: true });
    this.el.addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>(".vrow");
      if (row) this.select(Number(row.dataset.index), false);
    });
    this.el.addEventListener("dblclick", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>(".vrow");
      if (row) this.opts.onActivate?.(Number(row.dataset.index));
    });
    this.el.addEventListener("keydown", (e) => this.key(e));
    new ResizeObserver(() => this.paint()).observe(this.el);
  }

  get size(): number {
    return this.total;
  }

  /** New contents: drops cached pages and repaints. Keeps the selection if still in range. */
  reset(total: number, selected = -1): void {
    this.generation++;
    this.total = total;
    this.pages.clear();
    this.selected = selected < total ? selected : -1;
    this.inner.style.height = `${total * this.opts.rowHeight}px`;
    this.paint();
  }

  /** The row at `index` if its page is loaded. */
  rowAt(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / PAGE));
    return Array.isArray(page) ? page[index % PAGE] : undefined;
  }

  /** Fetches (if needed) and returns the row at `index`. */
  async load(index: number): Promise<T | undefined> {
    await this.ensure(Math.floor(index / PAGE));
    return this.rowAt(index);
  }

  select(index: number, scroll = true): void {
    if (index < 0 || index >= this.total) return;
    this.selected = index;
    if (scroll) this.scrollTo(index);
    this.paint();
    this.opts.onSelect(index, this.rowAt(index));
  }

  scrollTo(index: number): void {
    const h = this.opts.rowHeight;
    const top = index * h;
    if (top < this.el.scrollTop) this.el.scrollTop = top;
    else if (top + h > this.el.scrollTop + this.el.clientHeight) this.el.scrollTop = top + h - this.el.clientHeight;
  }

  private key(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const page = Math.max(1, Math.floor(this.el.clientHeight / this.opts.rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) {
      e.preventDefault();
      const from = this.selected < 0 ? (moves[e.key]! > 0 ? -1 : this.total) : this.selected;
      this.select(Math.max(0, Math.min(this.total - 1, from + moves[e.key]!)));
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      this.select(e.key === "Home" ? 0 : this.total - 1);
    } else if (e.key === "Enter" && this.selected >= 0) {
      e.preventDefault();
      this.opts.onActivate?.(this.selected);
    }
  }

  private ensure(page: number): Promise<void> {
    const have = this.pages.get(page);
    if (Array.isArray(have)) return Promise.resolve();
    if (have) return have;
    const generation = this.generation;
    const p = this.opts.fetch(page * PAGE, PAGE).then((rows) => {
      if (generation !== this.generation) return;
      this.pages.set(page, rows);
    });
    this.pages.set(page, p);
    return p;
  }

  /** Draws the rows in view, fetching their pages first when needed. */
  paint(): void {
    const h = this.opts.rowHeight;
    const first = Math.max(0, Math.floor(this.el.scrollTop / h) - OVERSCAN);
    const last = Math.min(this.total, Math.ceil((this.el.scrollTop + (this.el.clientHeight || 600)) / h) + OVERSCAN);
    const missing = new Set<number>();
    const nodes: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = this.rowAt(i);
      if (row === undefined) {
        // A loaded page that is short (the contents changed meanwhile) is not fetched again.
        if (!Array.isArray(this.pages.get(Math.floor(i / PAGE)))) missing.add(Math.floor(i / PAGE));
        continue;
      }
      const node = this.opts.render(row, i);
      node.classList.add("vrow");
      if (i === this.selected) {
        node.classList.add("selected");
        node.setAttribute("aria-selected", "true");
      }
      node.setAttribute("role", "option");
      node.dataset.index = String(i);
      node.style.transform = `translateY(${i * h}px)`;
      node.style.height = `${h}px`;
      nodes.push(node);
    }
    this.inner.replaceChildren(...nodes);
    const generation = this.generation;
    for (const page of missing) {
      this.ensure(page).then(
        () => {
          if (generation === this.generation) this.paint();
        },
        (err) => console.error("viewer: fetching rows failed", err),
      );
    }
  }
}
