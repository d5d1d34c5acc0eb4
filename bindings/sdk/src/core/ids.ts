/**
 * Ids for sessions, events, tool calls and runs, minted by the core a block at a time:
 * one crossing into wasm per `BLOCK` ids rather than one per id. The core decides what
 * an id is (16 lowercase hex, never all zero, from the seeded generator); this file only
 * cuts the block it returns into ids, in order.
 */
import type { PipelineWasm } from "../../wasm/agentlens_wasm.js";

/** Ids per crossing. */
const BLOCK = 256;
/** Characters per id, as the core writes them (`IdGen::event_ids`). */
const ID_CHARS = 16;

export class IdPool {
  private block = "";
  private at = 0;

  constructor(private readonly source: Pick<PipelineWasm, "newIds" | "newTraceId">) {}

  /** A fresh 16-hex id. */
  newId(): string {
    if (this.at >= this.block.length) {
      this.block = this.source.newIds(BLOCK);
      this.at = 0;
    }
    const id = this.block.slice(this.at, this.at + ID_CHARS);
    this.at += ID_CHARS;
    return id;
  }

  /** A fresh 32-hex trace id (one per root run: a crossing each). */
  newTraceId(): string {
    return this.source.newTraceId();
  }
}
