import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { splitLines, type RawLine } from '../../../producers/split-lines.js';

/** A byte stream made of these chunks, as a file stream delivers them. */
const chunks = (parts: (string | Buffer)[]): AsyncIterable<Buffer> => Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

async function collect(source: AsyncIterable<Buffer>, max = 1024): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const line of splitLines(source, max)) out.push(line);
  return out;
}

describe('splitLines', () => {
  it('splits on \\n only, strips one \\r before it, keeps a lone \\r, and splits multi-byte text across chunks', async () => {
    const euro = Buffer.from('€'); // 3 bytes, cut between chunks below
    const lines = await collect(chunks(['a\r\nb\rc\n', euro.subarray(0, 1), Buffer.concat([euro.subarray(1), Buffer.from('\nlast')])]));
    expect(lines.map((l) => [l.line, l.bytes.toString(), l.truncated])).toEqual([
      [1, 'a', false],
      [2, 'b\rc', false],
      [3, '€', false],
      [4, 'last', false],
    ]);
  });

  it('drops a 1 GiB line as it streams past, holding at most the limit, and goes on with the next line', async () => {
    const size = 64 * 1024;
    const count = (1024 * 1024 * 1024) / size;
    let peak = 0;
    async function* huge(): AsyncGenerator<Buffer> {
      for (let i = 0; i < count; i++) {
        if (i % 1024 === 0) {
          peak = Math.max(peak, process.memoryUsage().arrayBuffers);
          await setImmediate(); // let the garbage collector and the event loop in, as a real stream would
        }
        // A fresh chunk each time, as a file stream gives: holding on to them would show in arrayBuffers.
        yield Buffer.alloc(size, 'x');
      }
      yield Buffer.from('\n{"prompt":"ok"}\n');
    }
    const before = process.memoryUsage().arrayBuffers;
    const lines = await collect(huge(), 16 * 1024 * 1024);
    expect(lines.map((l) => [l.line, l.truncated, l.bytes.length])).toEqual([
      [1, true, 0],
      [2, false, 15],
    ]);
    // The limit (16 MiB) plus chunks the garbage collector has not reclaimed yet: far below the line's 1 GiB.
    expect(peak - before).toBeLessThan(256 * 1024 * 1024);
  });
});
