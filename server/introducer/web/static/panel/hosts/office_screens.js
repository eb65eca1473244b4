// The task pane's own screens around the panel: connecting Outlook first, and the compose-mode tools.
//
// Connecting: background work (watching replies, the handoff, reminders) needs offline access to the
// mailbox. With nested app authentication the server trades the pane's token for it (on-behalf-of,
// POST /api/v1/connect/outlook); when Microsoft wants the user to consent first, or without NAA, the
// sign-in window runs the server-side sign-in instead.
import { h, replace } from "../dom.js";
import { openSignInWindow } from "./office_auth.js";

/** A small client for /api/v1 with the pane's tokens; a 401 asks for a fresh token once. */
export function createCaller(base, auth) {
  return async function call(method, path, retried = false) {
    const token = await auth.getToken({fresh: retried});
    const response = await fetch(base + path, {method, headers: {Authorization: `Bearer ${token}`, Accept: "application/json"}});
    if (response.status === 401 && !retried) return call(method, path, true);
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw Object.assign(new Error(error.message || response.statusText), {status: response.status, code: error.code});
    }
    return data;
  };
}

/** Show a card with one action; resolves once the action succeeded (errors are shown, the user retries). */
function ask(root, {title, text, action, run}) {
  return new Promise((resolve) => {
    const status = h("p", {class: "form-status", role: "status"});
    const button = h("button", {type: "button", class: "primary", id: "connect-outlook", onclick: async () => {
      button.disabled = true;
      status.textContent = "Connecting…";
      try {
        await run();
        resolve();
      } catch (err) {
        status.textContent = err.message;
        button.disabled = false;
      }
    }}, action);
    replace(root, h("section", {class: "connect", "aria-labelledby": "connect-title"},
      h("h1", {id: "connect-title"}, title), h("p", {}, text), h("div", {class: "actions"}, button), status));
  });
}

export async function connectOutlook(root, {api, auth}) {
  if (auth.mode === "window" && !auth.signedIn) {
    await ask(root, {title: "Sign in to Introducer", action: "Sign in with Microsoft", run: () => auth.signIn(),
                     text: "Introducer asks people before introducing them and follows up for you. Sign in with " +
                           "your Microsoft account to connect this mailbox."});
  }
  let me = await api("GET", "/me");
  while (me.status !== "active") {
    const again = me.status === "reconnect_needed";
    await ask(root, {
      title: again ? "Reconnect Outlook" : "Connect Outlook", action: again ? "Reconnect Outlook" : "Connect Outlook",
      text: again ? "Microsoft no longer lets Introducer into your mailbox (the access was revoked or expired). " +
                    "Reconnect to keep your intros moving."
                  : "Introducer watches your intro threads for answers, steps out of the thread and sends " +
                    "reminders while you are away. Connect this mailbox to let it.",
      run: () => connect(api, auth),
    });
    me = await api("GET", "/me");
  }
  return me;
}

async function connect(api, auth) {
  if (auth.mode === "window") return auth.signIn(); // the window connects the mailbox as it signs in
  try {
    await api("POST", "/connect/outlook");
  } catch (err) {
    if (err.code !== "interactive_sign_in_needed") throw err;
    const url = new URL(document.getElementById("panel").dataset.signInUrl, window.location.href);
    const hint = Office.context.mailbox?.userProfile?.emailAddress;
    if (hint) url.searchParams.set("login_hint", hint);
    await openSignInWindow(url.href);
  }
}

/** In a compose window: offer the intros everyone agreed to, to write into this message. */
export async function showComposeTools(el, {api, insert, active}) {
  if (!el) return;
  el.hidden = !active;
  if (!active) return replace(el);
  const status = h("p", {class: "form-status", role: "status"});
  const list = h("ul", {class: "compose-intros"});
  replace(el, h("h2", {}, "Write an intro into this message"), list, status);
  let intros = [];
  try {
    intros = (await api("GET", "/intros?state=consented")).intros;
  } catch (err) {
    status.textContent = err.message;
  }
  if (!intros.length) replace(list, h("li", {class: "muted"}, "No intro is ready yet: everyone has to agree first."));
  else replace(list, intros.map((intro) => h("li", {},
    h("button", {type: "button", dataset: {introId: intro.id}, onclick: async () => {
      status.textContent = "Writing the intro…";
      try {
        const message = await api("GET", `/intros/${intro.id}/intro-message`);
        await insert(message.subject, message.html || textAsHtml(message.text), message.to);
        status.textContent = `The intro of ${intro.requester.name} and ${intro.target.name} is in your message.`;
      } catch (err) {
        status.textContent = err.message;
      }
    }}, `Insert: ${intro.requester.name} meets ${intro.target.name}`))));
}

function textAsHtml(text) {
  const p = document.createElement("p");
  p.textContent = text || "";
  return p.outerHTML.replace(/\n/g, "<br>");
}
