// The sandbox page: people and their mailboxes, the sandbox clock, and the panel beside them.
import { h, replace, useTimeZone, when } from "../panel/dom.js";
import { serveHost } from "./bridge.js";
import { createMailbox } from "./mailbox.js";

const POLL_MS = 3000;
const root = document.getElementById("sandbox");
const peopleEl = document.getElementById("people");
const clockEl = document.getElementById("clock");
const statusEl = document.getElementById("sandbox-status");
const frame = document.getElementById("panel-frame");
const state = {world: null, introducer: root.dataset.introducer, token: null, openMessage: null};

async function call(method, path, body) {
  const response = await fetch(path, {
    method, headers: body === undefined ? {} : {"Content-Type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error((data && data.error && data.error.message) || response.statusText);
  return data;
}

let sayTimer = null;
/** News in the status line; it fades after a while (0: stays until the next news), so it never outlives its truth. */
function say(text, ms = 8000) {
  statusEl.textContent = text || "";
  clearTimeout(sayTimer);
  if (text && ms) sayTimer = setTimeout(() => { statusEl.textContent = ""; }, ms);
}

const hours = (seconds) => {
  const hrs = seconds / 3600;
  return hrs >= 24 && hrs % 24 === 0 ? `${hrs / 24} day${hrs === 24 ? "" : "s"}` : `${+hrs.toFixed(1)} h`;
};

/** One line in words for how a simulated person behaves. */
function describe(b) {
  if (!b) return "The introducer — that is you. Use the panel on the right.";
  const after = hours(b.reply_delay);
  const answer = {
    agree: `agrees after ${after}`, decline: `declines after ${after}`, question: `asks a question after ${after}`,
    never: "never answers", bounce: "the address bounces",
    ooo: `is out of office until ${b.ooo_until}, then ${b.after_ooo === "question" ? "asks a question" : b.after_ooo + "s"}`,
  }[b.on_permission_request] || b.on_permission_request;
  const intro = b.on_intro === "reply" ? `replies to the intro after ${hours(b.intro_reply_delay)}` : "never replies to the intro";
  return `Asked for permission: ${answer}. Introduced: ${intro}.`;
}

function renderPeople() {
  replace(peopleEl, state.world.people.map((p) => h("li", {},
    h("button", {type: "button", class: `person${p.email === mailbox.email ? " selected" : ""}`,
                 "aria-current": p.email === mailbox.email ? "true" : null, dataset: {email: p.email},
                 onclick: () => select(p.email)},
      h("span", {class: "line"}, h("span", {class: "name"}, p.name),
        p.unread ? h("span", {class: "count", title: "unread threads"}, String(p.unread)) : null,
        p.drafts ? h("span", {class: "chip draft-chip"}, `${p.drafts} draft${p.drafts > 1 ? "s" : ""}`) : null),
      h("span", {class: "email"}, p.email),
      h("span", {class: "behaviour"}, describe(p.behaviour)),
      p.pending.length ? h("span", {class: "pending"}, p.pending.map((r) =>
        `Will ${r.kind === "intro" ? "reply to the intro" : r.kind === "auto_reply" ? "auto-reply" : r.answer} ${when(r.due)}`).join("; ")) : null))));
}

async function refreshWorld() {
  state.world = await call("GET", "/sandbox/api/world");
  state.introducer = state.introducer || state.world.introducer;
  useTimeZone(state.world.timezone);
  clockEl.textContent = when(state.world.now, {weekday: "short", timeZoneName: "short"});
  clockEl.dateTime = state.world.now;
  renderPeople();
}

async function refresh() {
  try {
    await Promise.all([refreshWorld(), mailbox.refresh()]);
  } catch (err) {
    say(`Could not refresh: ${err.message}`);
  }
}

async function select(email) {
  const person = state.world.people.find((p) => p.email === email);
  await mailbox.show(person);
  renderPeople();
}

function afterAction(result, done) {
  const people = result.people_sent ? ` ${result.people_sent} simulated repl${result.people_sent > 1 ? "ies" : "y"} sent.` : "";
  say(result.worker_error ? `${done} The background jobs failed: ${result.worker_error}` : `${done}${people}`);
  refresh();
  frame.contentWindow?.introducerPanel?.refresh();  // same origin: show the outcome in the panel at once
}

const mailbox = createMailbox({
  title: document.getElementById("mailbox-title"),
  listEl: document.getElementById("mailbox"),
  readerEl: document.getElementById("reader"),
  replyForm: document.getElementById("reply"),
  call, say, onAction: afterAction,
  onOpenMessage(message) {
    if (JSON.stringify(message) === JSON.stringify(state.openMessage)) return;
    state.openMessage = message;
    bridge.openMessageChanged(message);
  },
});

const bridge = serveHost(frame, {
  getOpenMessage: () => state.openMessage,
  async getToken({fresh}) {
    if (!state.token || fresh) state.token = (await call("POST", "/sandbox/api/session", {email: state.introducer})).token;
    return state.token;
  },
  async openThread({threadId}) {
    if (mailbox.email !== state.introducer) await select(state.introducer);
    await mailbox.open(threadId);
  },
  suggestPeople: () => (state.world ? state.world.people.filter((p) => p.simulated).map(({name, email}) => ({name, email})) : []),
  onChanged: () => refresh(),
});

function clockBody(button) {
  if (button.dataset.next) return {next: true};
  if (button.dataset.days) return {days: Number(button.dataset.days)};
  return {hours: Number(button.dataset.hours)};
}

function moved(result, button) {
  const at = when(result.now, {weekday: "short"});
  if (button.dataset.next) {
    return result.event ? `Next event (${at}): ${result.event.what}.`
      : "Nothing is scheduled: the next step is yours (see the panel and the drafts).";
  }
  return `Clock moved ${button.textContent} to ${at}.`;
}

for (const button of document.querySelectorAll(".clock button")) {
  button.addEventListener("click", async () => {
    say(`Moving the clock (${button.textContent})…`, 0);
    try {
      const result = await call("POST", "/sandbox/api/clock", clockBody(button));
      afterAction(result, moved(result, button));
    } catch (err) { say(err.message); }
  });
}

await refreshWorld();
await select(state.introducer || state.world.people[0].email);
setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
