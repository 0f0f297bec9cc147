import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * Checks that what the documentation names exists: relative Markdown links (file and `#anchor`), backticked repo
 * paths, and `npm run <script>` / `npm test` scripts. Other teams' jobs follow these docs, so a renamed file or
 * section must fail a test, not a reader.
 */

/** What the checker may look at in the repository. Paths are repo-relative, with `/`. */
export interface RepoView {
  /** Every file (not under node_modules, .git or other ignored folders). */
  readonly files: ReadonlySet<string>;
  /** Every folder holding at least one of `files`. */
  readonly dirs: ReadonlySet<string>;
  /** Names of package.json `scripts`. */
  readonly scripts: ReadonlySet<string>;
  /** A file's text, or undefined when there is none. */
  read(path: string): string | undefined;
}

export interface DocProblem {
  file: string;
  line: number;
  problem: string;
}

// Folders that are build output, dependencies or local run output, never documentation targets.
const IGNORED = new Set(['node_modules', '.git', '.s2d', 'dist', 'coverage']);

/** A RepoView over the working tree at `root`. */
export function loadRepoView(root: string): RepoView {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (IGNORED.has(entry.name)) continue;
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        dirs.add(path);
        walk(path);
      } else {
        files.add(path);
      }
    }
  };
  walk('');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return {
    files,
    dirs,
    scripts: new Set(Object.keys(pkg.scripts ?? {})),
    read: (path) => (files.has(path) ? readFileSync(join(root, path), 'utf8') : undefined),
  };
}

/** GitHub's heading anchors (github-slugger): lower-cased, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (heading === null) continue;
    const slug = (heading[1] ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    else if (!fenced) out.push({ text, line: i + 1 });
  });
  return out;
}

/** Whether `path` (repo-relative, may end in `/` or hold `*`) names something in the repo. */
function existsInRepo(path: string, repo: RepoView): boolean {
  const bare = path.replace(/\/+$/, '');
  if (!bare.includes('*')) return repo.files.has(bare) || repo.dirs.has(bare);
  const pattern = new RegExp(`^${bare.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return [...repo.files, ...repo.dirs].some((candidate) => pattern.test(candidate));
}

/** A token that claims to be a repo path: path characters only, a `/`, and a first segment present at the root. */
function repoPathOf(token: string, repo: RepoView): string | undefined {
  const cleaned = token.replace(/^["'(]+|["'),;:.]+$/g, '');
  if (!/^[A-Za-z0-9._*/-]+$/.test(cleaned) || !cleaned.includes('/') || cleaned.startsWith('/')) return undefined;
  const first = cleaned.split('/')[0] ?? '';
  if (first === '' || first === '.' || first === '..') return undefined;
  return repo.dirs.has(first) ? cleaned : undefined;
}

/**
 * Problems in `docs` (repo-relative Markdown paths): broken relative links and anchors, backticked repo paths that do
 * not exist, npm scripts package.json lacks. Empty when everything named exists.
 */
export function checkDocs(docs: readonly string[], repo: RepoView): DocProblem[] {
  const problems: DocProblem[] = [];
  const anchorCache = new Map<string, Set<string> | undefined>();
  const anchorsOf = (path: string): Set<string> | undefined => {
    if (!anchorCache.has(path)) {
      const text = repo.read(path);
      anchorCache.set(path, text === undefined ? undefined : headingAnchors(text));
    }
    return anchorCache.get(path);
  };
  for (const file of docs) {
    const text = repo.read(file);
    if (text === undefined) {
      problems.push({ file, line: 0, problem: 'file does not exist' });
      continue;
    }
    const report = (line: number, problem: string): void => {
      problems.push({ file, line, problem });
    };
    text.split('\n').forEach((line, i) => {
      for (const match of line.matchAll(/\bnpm\s+(?:run\s+(?:-s\s+|--silent\s+)?([A-Za-z0-9:_-]+)|(test)\b)/g)) {
        const script = match[1] ?? match[2] ?? '';
        if (!repo.scripts.has(script)) report(i + 1, `npm script "${script}" is not in package.json`);
      }
    });
    for (const { text: line, line: number } of proseLines(text)) {
      const withoutCode = line.replace(/`[^`]*`/g, '``');
      for (const match of withoutCode.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
        const target = match[1] ?? '';
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [pathPart = '', anchor] = target.split('#', 2);
        const resolved = pathPart === '' ? file : posix.normalize(posix.join(posix.dirname(file), pathPart));
        if (pathPart !== '' && !existsInRepo(resolved, repo)) {
          report(number, `link ${target}: ${resolved} does not exist`);
          continue;
        }
        if (anchor !== undefined && !(anchorsOf(resolved)?.has(anchor) ?? false)) {
          report(number, `link ${target}: no heading with anchor #${anchor} in ${resolved}`);
        }
      }
      for (const span of line.matchAll(/`([^`]+)`/g)) {
        for (const token of (span[1] ?? '').split(/\s+/)) {
          const path = repoPathOf(token, repo);
          if (path !== undefined && !existsInRepo(path, repo)) report(number, `path ${path} does not exist`);
        }
      }
    }
  }
  return problems;
}
