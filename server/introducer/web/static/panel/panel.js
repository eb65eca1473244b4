// The panel's core: tabs (Introduce, Intros, Insights, Settings), polling, and the wiring between them.
//
// It knows nothing about the mail client it runs in. A *host adapter* provides:
//   getOpenMessage()        → Promise<{from: {name, email}, to: [...], cc: [...], subject, threadId} | null>
//   getToken({fresh})       → Promise<string>: a bearer token for /api/v1 (fresh: the last one was refused)
//   onOpenMessageChanged?(callback(message | null))   the user opened another message
//   suggestPeople?()        → Promise<[{name, email}]>: people the user might introduce (contacts)
//   insertIntoCompose?(subject, html, to)             put text into a compose window (not used yet)
//   changed?()              the panel changed something the host may want to refresh (a mailbox view)
import { createApi } from "./api.js";
import { h, replace, useTimeZone } from "./dom.js";
import { createIntroduceForm } from "./form.js";
import { createInsights } from "./insights.js";
import { createIntroDetail, createIntroList } from "./intros.js";
import { createSettings } from "./settings.js";

export async function mountPanel(root, host, {apiBase = "/api/v1", pollMs = 4000} = {}) {
  const api = createApi(apiBase, host);
  let me;
  try {
    me = await api.me();
  } catch (err) {
    replace(root, h("p", {class: "error", role: "alert"}, `Introducer could not sign you in: ${err.message}`));
    return null;
  }

  // A new account starts in UTC; nudges keep business hours in the account's zone, so take the user's own.
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (me.timezone === "UTC" && local && local !== "UTC") {
    try { me = {...me, ...(await api.updateMe({timezone: local}))}; } catch (err) { /* keep UTC; settings can fix it */ }
  }
  useTimeZone(me.timezone);
  const notice = h("p", {class: "notice", role: "status", hidden: true});
  const tabs = {};
  const views = {};
  const tablist = h("div", {class: "tabs", role: "tablist", "aria-label": "Introducer"});

  const list = createIntroList({onOpen: openIntro});
  // The open thread's own intro, shown instead of the form when the thread belongs to one
  const threadDetail = createIntroDetail({api, onChanged: changed, label: "This thread's intro"});
  const anotherIntro = h("button", {type: "button", class: "link", onclick: () => showThreadIntro(false)},
    "Introduce someone else from this message");
  const backToThread = h("button", {type: "button", class: "link", hidden: true, onclick: () => showThreadIntro(true)},
    "← This thread's intro");
  const threadView = h("div", {class: "thread-intro"}, threadDetail.el, h("div", {class: "actions"}, anotherIntro));
  const detail = createIntroDetail({api, onBack: () => show("intros"), onChanged: changed});
  const insights = createInsights({api});
  const settings = createSettings({api, me, onSaved: (policy) => form.setSettings(policy),
                                   onNameSaved: (account) => { me = {...me, name: account.name}; who.textContent = account.name; }});
  const form = createIntroduceForm({
    api, host, me,
    onStarted: (intro) => {
      say(`Intro of ${intro.requester.name} to ${intro.target.name} started. ${intro.next_step}`, 10_000, intro);
      changed();
      show("intros");
      opened(openMessage); // the open thread now belongs to the new intro
    },
    onSettingsChanged: (policy) => settings.set(policy),
  });

  const introsView = h("div", {}, list.el, detail.el);
  detail.el.hidden = true;
  const introduceView = h("div", {}, threadView, backToThread, form.el);
  threadView.hidden = true;
  for (const [key, label, view] of [["introduce", "Introduce", introduceView], ["intros", "Intros", introsView],
                                    ["insights", "Insights", insights.el], ["settings", "Settings", settings.el]]) {
    tabs[key] = h("button", {type: "button", role: "tab", id: `tab-${key}`, "aria-controls": `view-${key}`,
                             onclick: () => show(key)}, label);
    views[key] = h("div", {role: "tabpanel", id: `view-${key}`, "aria-labelledby": `tab-${key}`, class: "view"}, view);
    tablist.append(tabs[key]);
  }

  const who = h("p", {class: "account", title: me.email}, me.name || me.email);
  // Keyboard: the tab list is one stop; arrow keys (and Home/End) move between tabs, as the ARIA tabs pattern says.
  tablist.addEventListener("keydown", (ev) => {
    const keys = Object.keys(tabs);
    const at = keys.findIndex((k) => tabs[k] === document.activeElement);
    if (at < 0) return;
    const to = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: keys.length - 1}[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    const key = keys[(to + keys.length) % keys.length];
    show(key);
    tabs[key].focus();
  });

  replace(root,
    h("header", {class: "panel-header"}, h("h1", {}, "Introducer"), who),
    tablist, notice, Object.values(views));

  function show(key) {
    for (const [name, tab] of Object.entries(tabs)) {
      const on = name === key;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      views[name].hidden = !on;
    }
    if (key === "intros") { list.el.hidden = false; detail.el.hidden = true; }
    if (key === "insights") insights.load();
    if (key === "settings") api.settings().then((p) => settings.set(p)).catch(() => {});
  }

  async function openIntro(id) {
    say("");
    list.el.hidden = true;
    detail.el.hidden = false;
    detail.show(null);
    try { detail.show(await api.intro(id)); } catch (err) { say(err.message); }
  }

  let noticeTimer = null;
  let noticeAbout = null; // {id, next_step}: a notice about an intro's next step ends when that step is done
  function say(text, ms = 10_000, about = null) {
    notice.textContent = text;
    notice.hidden = !text;
    noticeAbout = text ? about : null;
    clearTimeout(noticeTimer);
    if (text) noticeTimer = setTimeout(() => say(""), ms); // news, not a state: it fades once read
  }

  let openMessage = null;
  let threadIntroId = null;
  function showThreadIntro(on) {
    threadView.hidden = !on || !threadIntroId;
    form.el.hidden = on && Boolean(threadIntroId);
    backToThread.hidden = !threadIntroId || on;
  }

  /** A message opened (or none is open): its intro if it belongs to one, else the form filled from it. */
  async function opened(message) {
    openMessage = message;
    let found = null;
    if (message && (message.threadId || message.itemId)) {
      try {
        found = (await api.forThread(message.threadId, message.itemId || message.internetMessageId)).intro;
      } catch { found = null; } // the form still works without knowing
      if (message !== openMessage) return; // another message opened meanwhile
    }
    threadIntroId = found ? found.id : null;
    if (found) threadDetail.show(found);
    showThreadIntro(Boolean(found));
    form.setOpenMessage(message);
  }

  async function refresh() {
    try {
      const {intros} = await api.intros();
      list.set(intros);
      const open = list.inProgress.length;
      const review = intros.filter((i) => i.needs_review).length;
      tabs.intros.textContent = `Intros${open ? ` (${open})` : ""}`;
      tabs.intros.classList.toggle("attention", review > 0);
      if (!detail.el.hidden) await detail.refresh();
      if (threadIntroId) await threadDetail.refresh();
      if (noticeAbout && !intros.some((i) => i.id === noticeAbout.id && i.next_step === noticeAbout.next_step)) say("");
    } catch (err) {
      say(err.message);
    }
  }

  function changed() {
    refresh();
    host.changed?.();
  }

  host.onOpenMessageChanged?.((message) => opened(message));
  try { await opened(await host.getOpenMessage()); } catch { await opened(null); }
  settings.set(me.settings);
  show("introduce");
  await refresh();
  const timer = setInterval(() => { if (!document.hidden) refresh(); }, pollMs);
  return {refresh, show, stop: () => clearInterval(timer)};
}
