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
  const detail = createIntroDetail({api, onBack: () => show("intros"), onChanged: changed});
  const insights = createInsights({api});
  const settings = createSettings({api, onSaved: (policy) => form.setSettings(policy)});
  const form = createIntroduceForm({
    api, host, me,
    onStarted: (intro) => {
      say(`Intro of ${intro.requester.name} to ${intro.target.name} started. ${intro.next_step}`);
      changed();
      show("intros");
    },
    onSettingsChanged: (policy) => settings.set(policy),
  });

  const introsView = h("div", {}, list.el, detail.el);
  detail.el.hidden = true;
  for (const [key, label, view] of [["introduce", "Introduce", form.el], ["intros", "Intros", introsView],
                                    ["insights", "Insights", insights.el], ["settings", "Settings", settings.el]]) {
    tabs[key] = h("button", {type: "button", role: "tab", id: `tab-${key}`, "aria-controls": `view-${key}`,
                             onclick: () => show(key)}, label);
    views[key] = h("div", {role: "tabpanel", id: `view-${key}`, "aria-labelledby": `tab-${key}`, class: "view"}, view);
    tablist.append(tabs[key]);
  }

  replace(root,
    h("header", {class: "panel-header"},
      h("h1", {}, "Introducer"),
      h("p", {class: "account", title: me.email}, me.name || me.email)),
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
  function say(text, ms = 10_000) {
    notice.textContent = text;
    notice.hidden = !text;
    clearTimeout(noticeTimer);
    if (text) noticeTimer = setTimeout(() => say(""), ms); // news, not a state: it fades once read
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
    } catch (err) {
      say(err.message);
    }
  }

  function changed() {
    refresh();
    host.changed?.();
  }

  host.onOpenMessageChanged?.((message) => form.setOpenMessage(message));
  try { form.setOpenMessage(await host.getOpenMessage()); } catch { /* no message open */ }
  settings.set(me.settings);
  show("introduce");
  await refresh();
  const timer = setInterval(() => { if (!document.hidden) refresh(); }, pollMs);
  return {refresh, show, stop: () => clearInterval(timer)};
}
