/** The dashboard's stylesheet, inlined in every page (the CSP allows inline styles and no script at all). */
export const DASHBOARD_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 0; }
header { background: #1f2937; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: center; }
header a { color: #fff; text-decoration: none; font-weight: 600; } header form { margin-left: auto; }
main { max-width: 1100px; margin: 16px auto; padding: 0 16px; }
h1 { font-size: 20px; margin: 8px 0; } h2 { font-size: 16px; margin: 24px 0 8px; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; } thead th { background: #f4f4f4; }
td.num { text-align: right; }
.progress-bar { width: 160px; height: 12px; background: #e5e7eb; border-radius: 6px; overflow: hidden; display: inline-block; vertical-align: middle; }
.progress-bar > span { display: block; height: 100%; background: #0072B2; }
.state { font-weight: 600; } .state-paused { color: #b45309; } .state-failed { color: #b00020; } .state-published { color: #047857; }
.controls form { display: inline; } .controls button { margin-right: 8px; padding: 4px 12px; }
.note { color: #555; font-size: 12px; } .flash { background: #ecfdf5; border: 1px solid #6ee7b7; padding: 6px 10px; border-radius: 4px; }
.problem { background: #fff0f2; border: 1px solid #b00020; padding: 6px 10px; border-radius: 4px; }
.prompt { max-width: 420px; white-space: pre-wrap; word-break: break-word; font-size: 12px; }
svg.chart { width: 100%; max-width: 760px; height: auto; display: block; font-size: 11px; }
svg.chart .axis-label { font-size: 11px; fill: #555; } svg.chart .empty { font-size: 16px; fill: #999; }
svg.chart text.value { font-size: 10px; fill: #333; } svg.chart .sim-text { fill: #b00020; font-weight: 700; }
.sim-badge { font-size: 10px; font-weight: 700; color: #fff; background: #b00020; border-radius: 3px; padding: 1px 4px; }
`;
