// The Gmail add-on sidebar of the sandbox page. It plays Google's part: runs the add-on's triggers,
// POSTs a signed event (tokens from the local Google sign-in) to the function URL a button names,
// and applies the answer (navigations, notification, link, Gmail actions) the way Gmail would.
import { h, replace } from "../panel/dom.js";
import { createSandboxHost } from "../panel/hosts/sandbox.js";
import { formInputs, renderCard } from "./render.js";

const TRIGGERS = {home: "/addon/gmail/home", open: "/addon/gmail/on-open", compose: "/addon/gmail/compose"};
const cardEl = document.getElementById("addon-card");
const statusEl = document.getElementById("addon-status");
const gmailEl = document.getElementById("addon-gmail-action");
const openButton = document.getElementById("trigger-open");
const parentHost = window.parent !== window ? createSandboxHost(window.parent) : null;
const state = {stack: [], threadId: null, lastTrigger: "home", busy: false};

// Gmail sends the user's own zone (their Gmail setting); in the sandbox that is the introducer's zone.
const world = await fetch("/sandbox/api/world").then((r) => r.json()).catch(() => null);
const zone = world?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The zone's offset from UTC now, in milliseconds, as Google puts it beside the zone's id. */
function offsetOf(timeZone) {
  const now = new Date();
  const wall = (tz) => new Date(now.toLocaleString("en-US", {timeZone: tz}));
  return wall(timeZone) - wall("UTC");
}

function say(text) {
  statusEl.textContent = text || "";
}

async function json(method, path, payload, headers = {}) {
  const response = await fetch(path, {method, headers: {"Content-Type": "application/json", ...headers},
                                      body: JSON.stringify(payload)});
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message || `${response.status} ${response.statusText}`);
  return data;
}

/** The event Google would POST: commonEventObject, authorizationEventObject and, with a message open, gmail. */
async function post(url, {parameters, inputs} = {}) {
  const absolute = new URL(url, window.location.href).href;
  const tokens = await json("POST", "/sandbox/api/gmail-addon/tokens", {url: absolute, thread_id: state.threadId});
  const event = {
    commonEventObject: {hostApp: "GMAIL", platform: "WEB", userLocale: navigator.language || "en",
                        timeZone: {id: zone, offset: offsetOf(zone)},
                        ...(parameters ? {parameters} : {}), ...(inputs ? {formInputs: inputs} : {})},
    authorizationEventObject: {userOAuthToken: tokens.userOAuthToken, userIdToken: tokens.userIdToken,
                               systemIdToken: tokens.systemIdToken},
    ...(tokens.gmail ? {gmail: tokens.gmail} : {}),
  };
  return json("POST", absolute, event, {Authorization: `Bearer ${tokens.systemIdToken}`});
}

async function run(what, task) {
  if (state.busy) return;
  state.busy = true;
  say(what);
  try {
    apply(await task());
    if (statusEl.textContent === what) say("");
  } catch (err) {
    say(`The add-on answered with an error: ${err.message}`);
  } finally {
    state.busy = false;
  }
}

function trigger(name) {
  state.lastTrigger = name;
  return run("Loading…", async () => {
    const answer = await post(TRIGGERS[name]);
    state.stack = [];  // a trigger starts a fresh card stack, as Gmail does
    return answer;
  });
}

function apply(answer) {
  const render = answer.renderActions || answer;
  const action = render.action || {};
  for (const nav of action.navigations || []) {
    if (nav.pushCard) state.stack.push(nav.pushCard);
    else if (nav.updateCard) state.stack.splice(Math.max(0, state.stack.length - 1), 1, nav.updateCard);
    else if (nav.pop && state.stack.length > 1) state.stack.pop();
    else if (nav.popToRoot) state.stack.splice(1);
  }
  if (action.notification) say(action.notification.text);
  if (action.link) openLink(action.link);
  showGmailAction(render.hostAppAction?.gmailAction);
  draw();
  parentHost?.changed();  // the sandbox page refreshes its mailboxes: drafts may have appeared
}

function draw() {
  const top = state.stack[state.stack.length - 1];
  if (!top) return replace(cardEl, h("p", {class: "muted"}, "Nothing to show."));
  const card = renderCard(top, {
    onAction: (fn, parameters) => run("Working…", () => post(fn, {parameters, inputs: formInputs(cardEl)})),
    onLink: openLink,
  });
  const back = state.stack.length > 1
    ? h("button", {type: "button", class: "back", onclick: () => { state.stack.pop(); draw(); }}, "← Back") : null;
  replace(cardEl, back, card);
}

function openLink(link) {
  const win = window.open(link.url, "_blank", "popup,width=520,height=640");
  if (link.onClose === "RELOAD" && win) {
    const timer = setInterval(() => {
      if (win.closed) { clearInterval(timer); trigger(state.lastTrigger); }
    }, 500);
  }
}

function showGmailAction(gmail) {
  if (!gmail) return replace(gmailEl);
  if (gmail.openCreatedDraftActionMarkup) {
    // Gmail opens the draft in a compose window; the sandbox shows it in the mailbox beside this card.
    const threadId = gmail.openCreatedDraftActionMarkup.draftThreadId;
    replace(gmailEl, h("p", {}, h("strong", {}, "Gmail opens the draft"),
      threadId && parentHost ? ": it is open in the mailbox, with Send." : ": find it under Drafts in the mailbox."));
    if (threadId) parentHost?.openThread?.(threadId).catch(() => {});
  } else if (gmail.updateDraftActionMarkup) {
    const m = gmail.updateDraftActionMarkup;
    const to = (m.updateToRecipients?.toRecipients || []).map((r) => r.email).join(", ");
    const body = new DOMParser().parseFromString(m.updateBody?.insertContents?.[0]?.content || "", "text/html").body;
    const paragraphs = [...body.querySelectorAll("p, li")].map((p) => h("p", {}, p.textContent));
    replace(gmailEl, h("p", {}, h("strong", {}, "Gmail fills the draft being written:")),
      h("p", {}, `To: ${to}`), h("p", {}, `Subject: ${m.updateSubject?.subject || ""}`),
      h("blockquote", {class: "draft-body"}, paragraphs.length ? paragraphs : body.textContent));
  }
}

document.getElementById("trigger-home").addEventListener("click", () => trigger("home"));
document.getElementById("trigger-compose").addEventListener("click", () => trigger("compose"));
openButton.addEventListener("click", () => trigger("open"));

function opened(message) {
  state.threadId = message?.threadId || null;
  openButton.disabled = !state.threadId;
  // Gmail runs the contextual trigger when a message opens, and shows the homepage when none is open
  trigger(state.threadId ? "open" : "home");
}

parentHost?.onOpenMessageChanged(opened);
const initial = parentHost ? await parentHost.getOpenMessage().catch(() => null) : null;
if (initial?.threadId) opened(initial); else trigger("home");
