// msal-browser stand-in for browser tests, served at the page's MSAL.js URL by page.route. Nested app
// authentication is Outlook's business; here the token comes from the test: window.__msal = {token,
// interactionFirst: bool}. Every configuration and request is recorded in window.__msalCalls.
(function () {
  const config = window.__msal || {};
  const calls = (window.__msalCalls = []);
  class InteractionRequiredAuthError extends Error {}
  let interactionNeeded = Boolean(config.interactionFirst);

  window.msal = {
    InteractionRequiredAuthError,
    async createNestablePublicClientApplication(configuration) {
      calls.push({name: "createNestablePublicClientApplication", args: [configuration]});
      return {
        async acquireTokenSilent(request) {
          calls.push({name: "acquireTokenSilent", args: [request]});
          if (interactionNeeded) throw new InteractionRequiredAuthError("interaction_required");
          return {accessToken: config.token};
        },
        async acquireTokenPopup(request) {
          calls.push({name: "acquireTokenPopup", args: [request]});
          interactionNeeded = false;
          return {accessToken: config.token};
        },
      };
    },
  };
})();
