import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDocs, headingAnchors, loadRepoView, type RepoView } from './doc-check.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function fakeRepo(files: Record<string, string>, scripts: string[]): RepoView {
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i += 1) dirs.add(parts.slice(0, i).join('/'));
  }
  return { files: new Set(Object.keys(files)), dirs, scripts: new Set(scripts), read: (path) => files[path] };
}

describe('documentation references', () => {
  it('README.md and docs/*.md name only links, anchors, repo paths and npm scripts that exist', () => {
    const repo = loadRepoView(ROOT);
    const docs = ['README.md', ...[...repo.files].filter((path) => /^docs\/[^/]+\.md$/.test(path)).sort()];
    expect(docs.length).toBeGreaterThan(10);
    expect(checkDocs(docs, repo)).toEqual([]);
  });

  it('reports broken links, anchors, paths and scripts, and accepts the good ones', () => {
    const repo = fakeRepo(
      {
        'README.md': [
          '# Title',
          'See [ok](docs/a.md#--json-outputs), [own](#title), [gone](docs/missing.md), [bad anchor](docs/a.md#nope).',
          'Paths: `shared/x.ts`, `shared/`, `test/*.test.ts`, `shared/y.ts`, `s3://bucket/key`, `<root>/x`, `manifest.json`.',
          '```sh',
          'npm run demo && npm run -s gone && npm test',
          '[not a link](nowhere.md)',
          '```',
        ].join('\n'),
        'docs/a.md': '# A\n## `--json` outputs\nBack to [the front](../README.md#title) and [away](../README.md#away).\n',
        'shared/x.ts': '',
        'test/one.test.ts': '',
      },
      ['demo'],
    );
    expect(checkDocs(['README.md', 'docs/a.md'], repo)).toEqual([
      { file: 'README.md', line: 5, problem: 'npm script "gone" is not in package.json' },
      { file: 'README.md', line: 5, problem: 'npm script "test" is not in package.json' },
      { file: 'README.md', line: 2, problem: 'link docs/missing.md: docs/missing.md does not exist' },
      { file: 'README.md', line: 2, problem: 'link docs/a.md#nope: no heading with anchor #nope in docs/a.md' },
      { file: 'README.md', line: 3, problem: 'path shared/y.ts does not exist' },
      { file: 'docs/a.md', line: 3, problem: 'link ../README.md#away: no heading with anchor #away in README.md' },
    ]);
  });

  it('computes anchors the way GitHub does', () => {
    const anchors = headingAnchors(
      ['## Evaluation (`s2d eval`, `s2d report`)', '### `kind: queue` — the message', '## Notes', '## Notes', '```', '# not a heading', '```'].join('\n'),
    );
    expect([...anchors]).toEqual(['evaluation-s2d-eval-s2d-report', 'kind-queue--the-message', 'notes', 'notes-1']);
  });
});
