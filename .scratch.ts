import { items, runStrategy, extract, options } from './test/unit/simulator/sim-harness.js';
for (const [spread, fav] of [[0.6, 0.5], [0.4, 0.4], [0.3, 0.35], [0.5, 0.35], [0.4, 0.3]] as const) {
  const o = options({ seed: 11, behaviour: { itemDifficultySpread: spread, favouriteWrongShare: fav } });
  const out: string[] = [];
  for (const fam of ['last-letter', 'coin-flip'] as const) {
    const its = items(fam, 300, 1);
    for (const s of ['direct', 'rar2'] as const) {
      let win = 0, acc = 0, accOk = 0;
      its.forEach((it, i) => {
        const votes = new Map<string, number>();
        for (const t of runStrategy(o, s, it, 8, 7000 + i)) { const a = extract(t, it.answerType); if (a) votes.set(a, (votes.get(a) ?? 0) + 1); }
        const sorted = [...votes.entries()].sort((a, b) => b[1] - a[1]);
        if (sorted[0]?.[0] === it.answer) win++;
        const top = sorted[0];
        if (top && top[1] >= 3 && (sorted[1]?.[1] ?? 0) < top[1]) { acc++; if (top[0] === it.answer) accOk++; }
      });
      out.push(`${fam} ${s} plur=${(win / 300).toFixed(2)} accepted=${(acc / 300).toFixed(2)} prec=${(accOk / acc).toFixed(2)}`);
    }
  }
  console.log(spread, fav, '\n  ' + out.join('\n  '));
}
