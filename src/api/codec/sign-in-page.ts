// The codec's sign-in page: a form that takes the operator key and answers with the session cookie.
// One static page, no script; what it says depends only on whether the browser is signed in.

export type SignInState = 'signed_out' | 'signed_in' | 'wrong_key' | 'no_operator_key';

const MESSAGES: Record<SignInState, string> = {
  signed_out: 'Sign in with the operator key (ARO_OPERATOR_KEY) to see decoded payloads in the Temporal Web UI.',
  signed_in:
    'Signed in. In the Web UI, open the codec server settings (the lock icon), choose to use your browser setting, ' +
    'enter this codec endpoint and turn on "Include cross-origin credentials"; then reload the workflow page.',
  wrong_key: 'That is not the operator key.',
  no_operator_key: 'This API has no ARO_OPERATOR_KEY: nobody can sign in to its codec.',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The endpoint is built from the request's Host header, which the caller chooses. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function signInPage(state: SignInState, codecEndpoint: string): string {
  const form =
    state === 'signed_in'
      ? '<form method="post" action="sign-out"><button type="submit">Sign out</button></form>'
      : state === 'no_operator_key'
        ? ''
        : '<form method="post" action="sign-in"><label>Operator key <input type="password" name="key" autocomplete="current-password" required autofocus></label> <button type="submit">Sign in</button></form>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ARO codec sign-in</title>
<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}input{width:22rem}code{background:#eee;padding:0 .2rem}</style>
</head><body>
<h1>ARO payload codec</h1>
<p id="state" data-state="${state}">${MESSAGES[state]}</p>
${form}
<p>Codec endpoint: <code>${escapeHtml(codecEndpoint)}</code></p>
</body></html>
`;
}
