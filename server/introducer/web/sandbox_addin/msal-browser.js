// MSAL.js stand-in for the sandbox page (served only with the sandbox mail world). Nested app
// authentication is Outlook's to broker; in the sandbox the "access token" is a session token for the
// introducer's Outlook account, asked of the sandbox itself.
(function () {
  class InteractionRequiredAuthError extends Error {}

  async function sessionToken(request) {
    const response = await fetch("/sandbox/api/outlook/session", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({email: request.loginHint || ""}),
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new InteractionRequiredAuthError((data && data.error && data.error.message) || "no sandbox session");
    return {accessToken: data.token, account: {username: data.email}};
  }

  window.msal = {
    InteractionRequiredAuthError,
    createNestablePublicClientApplication: async () => ({
      acquireTokenSilent: sessionToken,
      acquireTokenPopup: sessionToken,
    }),
  };
})();
