import { createHash } from 'node:crypto';

const INITIAL_CAPACITY = 1 << 12;
const MAX_LOAD = 0.75;

/**
 * The item ids a producer has seen, each with the line that used it first, for duplicate detection over inputs of
 * millions of lines in bounded memory: an open-addressing hash table over typed arrays that stores a 64-bit
 * fingerprint (SHA-256 prefix) of each id and its first line, 12 bytes per slot at most 75% full — 16 to 32 bytes
 * per distinct id (about 200 MB for 10 million ids, 20 MB for a million), never the ids themselves.
 *
 * Two different ids share a fingerprint with probability about n² / 2^65 (3e-8 for a million ids, 3e-6 for ten
 * million); the reject names the earlier line, so such a false duplicate is visible and checkable.
 */
export class SeenIds {
  #hi = new Uint32Array(INITIAL_CAPACITY);
  #lo = new Uint32Array(INITIAL_CAPACITY);
  /** 1-based first line per slot; 0 marks an empty slot. */
  #lines = new Uint32Array(INITIAL_CAPACITY);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table (for tests and the README's bound). */
  get bytes(): number {
    return this.#hi.byteLength + this.#lo.byteLength + this.#lines.byteLength;
  }

  /** Records `id` as used by `line` unless it was seen before; returns the earlier line, or undefined when new. */
  firstLineOf(id: string, line: number): number | undefined {
    const digest = createHash('sha256').update(id).digest();
    const hi = digest.readUInt32LE(0);
    const lo = digest.readUInt32LE(4);
    const slot = this.#find(hi, lo);
    const earlier = this.#lines[slot] ?? 0;
    if (earlier !== 0) return earlier;
    this.#hi[slot] = hi;
    this.#lo[slot] = lo;
    this.#lines[slot] = line;
    this.#size += 1;
    if (this.#size > this.#lines.length * MAX_LOAD) this.#grow();
    return undefined;
  }

  /** The slot holding (hi, lo), or the empty slot where it belongs (linear probing). */
  #find(hi: number, lo: number): number {
    const mask = this.#lines.length - 1;
    for (let slot = (lo ^ hi) & mask; ; slot = (slot + 1) & mask) {
      if (this.#lines[slot] === 0 || (this.#hi[slot] === hi && this.#lo[slot] === lo)) return slot;
    }
  }

  #grow(): void {
    const [hi, lo, lines] = [this.#hi, this.#lo, this.#lines];
    const capacity = lines.length * 2;
    this.#hi = new Uint32Array(capacity);
    this.#lo = new Uint32Array(capacity);
    this.#lines = new Uint32Array(capacity);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? 0;
      if (line === 0) continue;
      const slot = this.#find(hi[i] ?? 0, lo[i] ?? 0);
      this.#hi[slot] = hi[i] ?? 0;
      this.#lo[slot] = lo[i] ?? 0;
      this.#lines[slot] = line;
    }
  }
}
