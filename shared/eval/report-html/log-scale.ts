import type { AxisScale } from './axis-scale.js';

/**
 * A base-10 logarithmic axis for positive values: tokens per item span orders of magnitude between System 1 and
 * System 2 methods, so a linear axis would flatten the System 1 bars to nothing.
 */
export interface LogScale extends AxisScale {
  /** Lowest and highest decade shown: 10^minExp .. 10^maxExp; the ticks are every decade between. */
  minExp: number;
  maxExp: number;
}

/**
 * The decades that enclose every positive value; one decade (1..10) when there is none. Values <= 0 or not finite
 * are left out: a logarithmic axis cannot show them (`plots` is false), and the chart marks them instead.
 */
export function logScale(values: readonly number[]): LogScale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const minExp = positive.length === 0 ? 0 : Math.floor(Math.log10(Math.min(...positive)));
  // An exact power of ten alone (or all values within one decade boundary) still gets a decade of axis.
  const maxExp = Math.max(minExp + 1, positive.length === 0 ? 1 : Math.ceil(Math.log10(Math.max(...positive))));
  const ticks: number[] = [];
  for (let e = minExp; e <= maxExp; e++) ticks.push(Number((10 ** e).toPrecision(1)));
  const span = maxExp - minExp;
  return {
    minExp,
    maxExp,
    ticks,
    position: (value) => Math.min(1, Math.max(0, (Math.log10(value) - minExp) / span)),
    plots: (value) => Number.isFinite(value) && value > 0,
  };
}

/** `1`, `10`, `1k`, `10k`, `1M` for axis labels; fractions as `0.1`, `0.01`. */
export function formatDecade(value: number): string {
  if (value >= 1e6) return `${value / 1e6}M`;
  if (value >= 1e3) return `${value / 1e3}k`;
  return String(value);
}
