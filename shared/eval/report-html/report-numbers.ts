import { formatUsd } from '../../cost/usd.js';

/** The report's numbers as the Markdown table writes them, so the HTML page and the Markdown agree to the digit. */
export const formatPercent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
export const formatTokens = (tokens: number): string => tokens.toFixed(1);
export { formatUsd };
/** "–" where the report has no number (no cell, no prices, no correct answer). */
export const NONE = '–';
