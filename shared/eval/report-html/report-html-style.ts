/** The page's only stylesheet, inlined: the file must open anywhere, offline, with nothing fetched. */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 24px auto; max-width: 960px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.sim-banner { border: 2px solid #b00020; background: #fff0f2; color: #5c0010; padding: 8px 12px; border-radius: 6px; margin: 12px 0; }
.sim-badge { display: inline-block; font-size: 10px; font-weight: 700; letter-spacing: 0.04em; color: #fff; background: #b00020; border-radius: 3px; padding: 1px 4px; vertical-align: middle; }
svg.chart { width: 100%; height: auto; display: block; font-size: 11px; }
svg.chart .legend-item text { font-size: 11px; } svg.chart .sim-text { fill: #b00020; font-weight: 700; }
svg.chart text.value { font-size: 10px; fill: #333; } svg.chart .missing text { fill: #999; font-size: 14px; }
svg.chart .axis-label { font-size: 11px; fill: #555; } svg.chart .empty { font-size: 16px; fill: #999; }
figure { margin: 8px 0 20px; } figcaption { color: #555; font-size: 12px; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 3px 8px; } td { text-align: right; } thead th { background: #f4f4f4; }
code { font-size: 12px; } .note { color: #555; font-size: 12px; }
`;
