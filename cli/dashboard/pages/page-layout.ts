import { escapeHtml } from '../../../shared/eval/report-html/escape-html.js';
import type { Session } from '../session-store.js';
import { DASHBOARD_CSS } from './dashboard-style.js';

export interface PageOptions {
  title: string;
  body: string;
  /** The logged-in session (for the logout form's CSRF token); absent on the login page. */
  session?: Session | undefined;
  /** Reload the page every so many seconds (a live run); no script needed. Default: never. */
  refreshSeconds?: number | undefined;
}

/** The HTML shell of every dashboard page: nav, stylesheet, and nothing that runs. */
export function renderPage(options: PageOptions): string {
  const refresh = options.refreshSeconds === undefined ? '' : `<meta http-equiv="refresh" content="${options.refreshSeconds}">`;
  const logout =
    options.session === undefined
      ? ''
      : `<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(options.session.csrfToken)}"><button type="submit">Log out</button></form>`;
  const nav = options.session === undefined ? '' : '<a href="/">Runs</a><a href="/queues">Queues</a>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${escapeHtml(options.title)}</title><style>${DASHBOARD_CSS}</style></head>
<body><header><span>s2d dashboard</span>${nav}${logout}</header><main>${options.body}</main></body></html>`;
}
