/** A value axis of a bar chart: where a value sits, 0 (baseline) to 1 (top), and the ticks to draw. */
export interface AxisScale {
  ticks: number[];
  /** Position of a plottable value, 0 to 1, clamped. */
  position(value: number): number;
  /** False for values the axis cannot show (a log axis and 0); the chart marks those instead of drawing a bar. */
  plots(value: number): boolean;
}

/**
 * A linear axis from 0 to `max` when given (accuracy: 1), else to a round number at or above the largest value, in
 * 1/2/5 x 10^n steps with at most 5 intervals.
 */
export function linearScale(values: readonly number[], max?: number): AxisScale {
  const finite = values.filter((v) => Number.isFinite(v) && v >= 0);
  const top = max ?? Math.max(0, ...finite);
  let step: number;
  let end: number;
  if (max !== undefined) {
    step = max / 4;
    end = max;
  } else if (top === 0) {
    step = 1;
    end = 1;
  } else {
    const unit = 10 ** Math.floor(Math.log10(top / 5));
    step = [1, 2, 5, 10].map((m) => m * unit).find((s) => top / s <= 5) ?? 10 * unit;
    end = Math.ceil(top / step - 1e-9) * step;
  }
  const ticks: number[] = [];
  // Rounded so 0.1 + 0.2 style noise never reaches a label.
  for (let i = 0; i * step <= end * (1 + 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return {
    ticks,
    position: (value) => Math.min(1, Math.max(0, value / end)),
    plots: (value) => Number.isFinite(value) && value >= 0,
  };
}
