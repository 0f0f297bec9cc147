import type { CuratedItem } from './curate-item.js';

interface Settled {
  name: string;
  answer: string | null;
  mapped: string | null;
  code?: string;
}

/**
 * Watches the adaptive votes of an item's original and perturbed variants as each one settles, so the others can
 * stop drawing once the item is sure to be rejected: a variant was rejected, or two variants settled on answers that
 * disagree once mapped back. (An item is kept only if every variant is accepted with the same mapped answer.)
 */
export class PerturbationWatch {
  private readonly settled: Settled[] = [];

  /** Records a variant's final vote (`mapBack` turns its answer into the original's terms). */
  settle(name: string, curated: CuratedItem, mapBack: (answer: string) => string): void {
    if (curated.sampling?.decision === 'abandoned') return;
    if (curated.status === 'rejected') this.settled.push({ name, answer: null, mapped: null, code: curated.code });
    else this.settled.push({ name, answer: curated.target, mapped: mapBack(curated.target) });
  }

  /** Why the item is already certain to be rejected, or null while it could still be kept. */
  doomed(): string | null {
    const rejected = this.settled.find((s) => s.answer === null);
    if (rejected !== undefined) return `${rejected.name} was rejected (${rejected.code ?? 'rejected'})`;
    const [first, ...rest] = this.settled;
    const other = rest.find((s) => s.mapped !== first?.mapped);
    if (first === undefined || other === undefined) return null;
    const said = (s: Settled): string => `${s.name} answered '${s.answer ?? ''}'${s.mapped === s.answer ? '' : ` (= '${s.mapped ?? ''}' in the original)`}`;
    return `${said(first)} but ${said(other)}`;
  }
}
