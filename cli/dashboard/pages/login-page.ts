import { escapeHtml } from '../../../shared/eval/report-html/escape-html.js';
import { renderPage } from './page-layout.js';

/** The page a visitor without a session sees (with status 401 on every protected route). */
export function renderLoginPage(options: { tokenLogin: boolean; problem?: string | undefined }): string {
  const problem = options.problem === undefined ? '' : `<p class="problem">${escapeHtml(options.problem)}</p>`;
  const form = options.tokenLogin
    ? '<form method="post" action="/login"><label>Token <input type="password" name="token" autocomplete="current-password" required></label> <button type="submit">Log in</button></form>' +
      '<p class="note">The token is S2D_DASHBOARD_TOKEN, or the one <code>s2d dashboard</code> printed at start.</p>'
    : '<p>This dashboard uses basic authentication: reload the page and give the user name and password.</p>';
  return renderPage({ title: 's2d dashboard — log in', body: `<h1>Log in</h1>${problem}${form}` });
}
