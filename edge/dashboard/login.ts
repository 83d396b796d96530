/** The sign-in page: one field, the admin token. Shown (401) whenever there is no valid session. */
import { html, type Safe } from './html.ts';
import { BASE, LOGO } from './layout.ts';

export function loginPage(opts: { error?: string | undefined; next?: string | undefined; unavailable?: string | null | undefined }): Safe {
  return html`<div class="login"><div class="card">
<h1>${LOGO}Tailor admin</h1>
<p class="muted">Sign in with the admin token (<code>TAILOR_ADMIN_TOKEN</code>).</p>
${opts.unavailable ? html`<div class="notice warn" role="alert">The dashboard is disabled: ${opts.unavailable}.</div>` : ''}
${opts.error ? html`<div class="notice error" role="alert" id="login-error">${opts.error}</div>` : ''}
<form method="post" action="${BASE}/login">
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  ${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
  <button class="btn primary" type="submit">Sign in</button>
</form>
<p class="faint" style="margin-top:14px;font-size:12.5px">The session lasts 12 hours on this browser.</p>
</div></div>`;
}
