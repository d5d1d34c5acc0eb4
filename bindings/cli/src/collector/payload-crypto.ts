/// <reference types="node" />
/**
 * Payload encryption at rest (AES-256-GCM, WebCrypto) and reading stored payloads back.
 * The core's ingest writes each payload with a leading flag byte (bit 0: the rest is
 * gzip, set by the core when gzip made it smaller; see `agentlens::ingest::flags`); with
 * a key, this file seals the rest and sets bit 1 (then a 12-byte IV follows and the rest
 * is ciphertext with its 16-byte tag). Rows written with other settings stay readable.
 *
 * A key-check value (a known text encrypted with the key) is kept in the database, so
 * opening with the wrong key fails at open with {@link StoreKeyError}, never later with
 * garbage. Keys are never logged or quoted.
 */
import type { webcrypto } from "node:crypto";
import { gunzipBytes } from "./engine.js";
import { StoreKeyError } from "./errors.js";

/** The flag bits (`agentlens::ingest::flags`). */
const GZIP = 1;
const SEALED = 2;
const IV_BYTES = 12;
/** Bound to every ciphertext, so a payload cannot be passed off as the key check or vice versa. */
const PAYLOAD_AAD = new TextEncoder().encode("agentlens-collector-payload-v1");
const CHECK_AAD = new TextEncoder().encode("agentlens-collector-key-check-v1");
const CHECK_TEXT = "agentlens key check";
type CryptoKey = webcrypto.CryptoKey;
type BufferSource = webcrypto.BufferSource;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads `AGENTLENS_ENCRYPTION_KEY`: 32 bytes as 64 hex digits or as base64 (standard or
 * URL-safe, padding optional).
 *
 * @throws StoreKeyError if it is not 32 bytes in either form (the message never quotes it).
 */
export function parseEncryptionKey(text: string): Uint8Array {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Uint8Array.from(Buffer.from(t, "hex"));
  if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length === 32) return Uint8Array.from(bytes);
  }
  throw new StoreKeyError("AGENTLENS_ENCRYPTION_KEY must be 32 bytes, written as 64 hex digits or as base64");
}

/** Seals and opens stored payloads with one database's key (or none). */
export class PayloadCrypto {
  private constructor(private readonly key: CryptoKey | null) {}

  get encrypted(): boolean {
    return this.key !== null;
  }

  static async create(keyText: string | undefined): Promise<PayloadCrypto> {
    if (keyText === undefined || keyText === "") return new PayloadCrypto(null);
    const raw = parseEncryptionKey(keyText);
    const key = await crypto.subtle.importKey("raw", raw as BufferSource, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    return new PayloadCrypto(key);
  }

  /** A fresh key-check value for a database first opened with this key. */
  async keyCheck(): Promise<Uint8Array> {
    if (!this.key) throw new StoreKeyError("no encryption key");
    return seal(this.key, encoder.encode(CHECK_TEXT), CHECK_AAD);
  }

  /** Throws StoreKeyError unless `check` was made with this key. */
  async verify(check: Uint8Array | null): Promise<void> {
    if (check === null) return; // no key check yet: plaintext, or a plaintext database gaining a key
    if (this.key === null) {
      throw new StoreKeyError("this database is encrypted: set AGENTLENS_ENCRYPTION_KEY (encryptionKey) to the key it was created with");
    }
    let plain: Uint8Array;
    try {
      plain = await open(this.key, check, CHECK_AAD);
    } catch {
      throw new StoreKeyError("the encryption key does not match this database (AGENTLENS_ENCRYPTION_KEY is not the key it was created with)");
    }
    if (decoder.decode(plain) !== CHECK_TEXT) throw new StoreKeyError("the database's key check is corrupt");
  }

  /** A payload as the core wrote it (flag byte first), sealed when there is a key. */
  async seal(stored: Uint8Array): Promise<Uint8Array> {
    if (!this.key) return stored;
    const body = await seal(this.key, stored.subarray(1), PAYLOAD_AAD);
    const out = new Uint8Array(body.length + 1);
    out[0] = (stored[0] ?? 0) | SEALED;
    out.set(body, 1);
    return out;
  }

  /** A stored payload back to JSON text. Throws on a payload this key cannot open. */
  async open(stored: Uint8Array): Promise<string> {
    const flags = stored[0] ?? 0;
    let body = stored.subarray(1);
    if (flags & SEALED) {
      if (!this.key) throw new StoreKeyError("an encrypted payload needs the encryption key");
      body = await open(this.key, body, PAYLOAD_AAD);
    }
    if (flags & GZIP) body = gunzipBytes(body);
    return decoder.decode(body);
  }

  /** A stored payload back to JSON text without awaiting, or `undefined` when it is sealed. */
  openSync(stored: Uint8Array): string | undefined {
    const flags = stored[0] ?? 0;
    if (flags & SEALED) return undefined;
    let body = stored.subarray(1);
    if (flags & GZIP) body = gunzipBytes(body);
    return decoder.decode(body);
  }
}

async function seal(key: CryptoKey, plain: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad as BufferSource }, key, plain as BufferSource),
  );
  const out = new Uint8Array(IV_BYTES + ct.length);
  out.set(iv, 0);
  out.set(ct, IV_BYTES);
  return out;
}

async function open(key: CryptoKey, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  const iv = sealed.subarray(0, IV_BYTES);
  const ct = sealed.subarray(IV_BYTES);
  return new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-GCM", iv: iv as BufferSource, additionalData: aad as BufferSource }, key, ct as BufferSource),
  );
}
