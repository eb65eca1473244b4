// Tokens for /api/v1 inside Outlook: MSAL.js nested app authentication (NAA), or the sign-in window.
//
// NAA (learn.microsoft.com/office/dev/add-ins/develop/enable-nested-app-authentication-in-your-add-in):
// where Office.context.requirements.isSetSupported("NestedAppAuth", "1.1"), MSAL.js asks Outlook for an
// access token for our API (scope api://<host>/<client id>/access_as_user): acquireTokenSilent, and
// acquireTokenPopup when MSAL says interaction is required. We never send an ID token to the server.
// Elsewhere, the sign-in window (Office.context.ui.displayDialogAsync) runs the server-side sign-in,
// connects the mailbox, and messages back {status: "connected", token}: a session token for the API.

const SUCCEEDED = "succeeded";

/** Open the sign-in window; resolves with its final message ({status: "connected", token, …}). */
export function openSignInWindow(url, {height = 60, width = 30} = {}) {
  return new Promise((resolve, reject) => {
    Office.context.ui.displayDialogAsync(url, {height, width, promptBeforeOpen: true}, (result) => {
      if (result.status !== SUCCEEDED) {
        reject(new Error(`Outlook could not open the sign-in window (${result.error?.message || result.error?.code}).`));
        return;
      }
      const dialog = result.value;
      dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
        dialog.close();
        let message;
        try { message = JSON.parse(arg.message); } catch { message = {status: "error", message: String(arg.message)}; }
        if (message.status === "connected") resolve(message);
        else reject(new Error(message.message || "Outlook was not connected."));
      });
      dialog.addEventHandler(Office.EventType.DialogEventReceived, () => {
        reject(new Error("The sign-in window was closed before Outlook was connected."));
      });
    });
  });
}

export function nestedAppAuthSupported() {
  return Boolean(Office.context.requirements?.isSetSupported?.("NestedAppAuth", "1.1") &&
                 window.msal?.createNestablePublicClientApplication);
}

/**
 * {mode: "naa" | "window", getToken({fresh}), signIn()}. config: {clientId, authority, scope, signInUrl}.
 * In "window" mode a token comes from signing in through the window (again once it expires).
 */
export function createTokenSource(config) {
  const naa = nestedAppAuthSupported();
  const loginHint = Office.context.mailbox?.userProfile?.emailAddress;
  const signInUrl = new URL(config.signInUrl, window.location.href);
  if (loginHint) signInUrl.searchParams.set("login_hint", loginHint);
  let client = null;
  let session = null; // window mode: {token, expiresAt}

  async function naaToken(fresh) {
    client ??= window.msal.createNestablePublicClientApplication({
      auth: {clientId: config.clientId, authority: config.authority},
    });
    const pca = await client;
    const request = {scopes: [config.scope], loginHint, forceRefresh: Boolean(fresh)};
    try {
      return (await pca.acquireTokenSilent(request)).accessToken;
    } catch (err) {
      if (!(err instanceof window.msal.InteractionRequiredAuthError)) throw err;
      return (await pca.acquireTokenPopup(request)).accessToken;
    }
  }

  async function signIn() {
    const message = await openSignInWindow(signInUrl.href);
    session = {token: message.token, expiresAt: Date.now() + 1000 * (message.expires_in || 3600)};
    return message;
  }

  async function windowToken(fresh) {
    // Outlook asks the user before the window opens (promptBeforeOpen), so no click of ours is needed
    if (!session || fresh || session.expiresAt - Date.now() < 60_000) await signIn();
    return session.token;
  }

  return {
    mode: naa ? "naa" : "window",
    getToken: ({fresh} = {}) => (naa ? naaToken(fresh) : windowToken(fresh)),
    signIn,
    get signedIn() { return naa || Boolean(session); },
  };
}
