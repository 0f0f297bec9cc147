import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module beside the launcher, without type declarations
import { useBuild } from '../../bin/launch-mode.mjs';

const run = useBuild as (root: string, env: Record<string, string | undefined>) => boolean;
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function checkout(files: Record<string, number>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 's2d-launch-'));
  dirs.push(root);
  for (const [path, seconds] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), '');
    await utimes(join(root, path), seconds, seconds);
  }
  return root;
}

describe('bin/launch-mode.mjs: which code the s2d binary runs', () => {
  it('the build when it is newer than every source, the sources when one changed after it', async () => {
    expect(run(await checkout({ 'dist/.build-stamp': 2000, 'shared/a.ts': 1000, 'shared/lua/b.lua': 1500 }), {})).toBe(true);
    expect(run(await checkout({ 'dist/.build-stamp': 2000, 'shared/a.ts': 1000, 'workers/deep/c.ts': 3000 }), {})).toBe(false);
    expect(run(await checkout({ 'dist/.build-stamp': 2000, 'shared/lua/b.lua': 2500 }), {})).toBe(false);
    // Declaration files and other files do not count; an image has no sources at all.
    expect(run(await checkout({ 'dist/.build-stamp': 2000, 'shared/x.d.ts': 3000, 'shared/notes.md': 3000 }), {})).toBe(true);
    expect(run(await checkout({ 'dist/.build-stamp': 2000, 'dist/cli/main.js': 2000 }), {})).toBe(true);
  });

  it('the sources without a build, or with S2D_FROM_SOURCE=1', async () => {
    expect(run(await checkout({ 'shared/a.ts': 1000 }), {})).toBe(false);
    expect(run(await checkout({ 'dist/.build-stamp': 2000, 'shared/a.ts': 1000 }), { S2D_FROM_SOURCE: '1' })).toBe(false);
  });
});
