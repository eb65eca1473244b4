// Intros in progress (a list that is polled) and one intro in detail (timeline, consents, actions).
import { h, replace, when, words } from "./dom.js";

const FINAL = new Set(["completed", "declined", "expired", "cancelled"]);
export const STATE_LABELS = {
  new: "Starting", awaiting_consent: "Awaiting consent", consented: "Consented", introduced: "Introduced",
  handed_off: "Handed off", completed: "Completed", declined: "Declined", expired: "Expired", cancelled: "Cancelled",
};

function badge(state) {
  return h("span", {class: `badge state-${state}`, dataset: {state}}, STATE_LABELS[state] || words(state));
}

function reviewBadge() {
  return h("span", {class: "badge review"}, "Needs review");
}

export function createIntroList({onOpen}) {
  const showFinished = h("input", {type: "checkbox", id: "show-finished"});
  const list = h("ul", {class: "intro-list", "aria-label": "Intros"});
  const empty = h("p", {class: "muted empty"}, "No intros in progress. Open a message and use Introduce.");
  const el = h("section", {class: "intros"},
    h("label", {class: "check small"}, showFinished, h("span", {}, "Show finished intros")), list, empty);
  let intros = [];
  let shownSignature = "";

  function render() {
    const signature = JSON.stringify([intros, showFinished.checked]);
    if (signature === shownSignature) return; // re-rendering unchanged cards would steal keyboard focus
    shownSignature = signature;
    const shown = intros.filter((i) => showFinished.checked || !FINAL.has(i.state));
    empty.hidden = shown.length > 0;
    replace(list, shown.map((i) => h("li", {},
      h("button", {type: "button", class: "intro-card", dataset: {introId: i.id, state: i.state}, onclick: () => onOpen(i.id)},
        h("span", {class: "names"}, `${i.requester.name} → ${i.target.name}`),
        h("span", {class: "badges"}, badge(i.state), i.needs_review ? reviewBadge() : null),
        h("span", {class: "context"}, i.context || ""),
        h("span", {class: "next-step"}, i.next_step)))));
  }

  showFinished.addEventListener("change", render);
  return {
    el,
    set(next) { intros = next; render(); },
    get inProgress() { return intros.filter((i) => !FINAL.has(i.state)); },
  };
}

const PURPOSE = {source: "This thread is the ask for this intro.", "permission:target": "This thread asks the target.",
                 "permission:requester": "This thread asks the requester.", intro: "This thread is the intro (and its handoff).",
                 note: "This thread is a note about this intro."};

/** One intro in detail. `lead`: a line above it (the open thread's part in it); no `onBack`: no back link. */
export function createIntroDetail({api, onBack, onChanged, label = "Intro detail"}) {
  const body = h("div", {class: "detail-body"});
  const status = h("p", {class: "form-status", role: "status"});
  const el = h("section", {class: "intro-detail", "aria-label": label},
    onBack ? h("button", {type: "button", class: "link back", onclick: () => onBack()}, "← All intros") : null, body, status);
  let intro = null;
  let purpose = null; // what the open thread is for, when this shows the open thread's intro
  let confirmCancel = false;

  async function act(label, fn) {
    status.textContent = `${label}…`;
    try {
      const result = await fn();
      intro = result.intro || result;
      status.textContent = result.sent !== undefined ? `Sent ${result.sent} message${result.sent === 1 ? "" : "s"}.` : "Done.";
      render();
    } catch (err) {
      status.textContent = err.message;
      // what was refused was refused because the intro moved on: show where it is now
      try { intro = await api.intro(intro.id); render(); } catch { /* keep what is shown */ }
    }
    onChanged();
  }

  function consentRows() {
    const detail = intro.consent_detail || {};
    return ["requester", "target"].map((role) => {
      const c = detail[role] || {status: intro.consents[role]};
      const who = intro[role];
      const review = c.status === "needs_review" && intro.state === "awaiting_consent";
      return h("li", {class: `consent consent-${c.status}`, dataset: {role}},
        h("span", {class: "who"}, `${who.name} (${role})`),
        h("span", {class: "consent-status"}, words(c.status === "not_required" ? "not asked" : c.status)),
        c.reason ? h("span", {class: "reason"}, c.reason) : null,
        c.away_until ? h("span", {class: "reason"}, `Away until ${when(c.away_until)}`) : null,
        review ? h("span", {class: "row-actions"},
          h("button", {type: "button", onclick: () => act("Marking yes", () => api.consent(intro.id, role, "yes"))}, `Mark yes`),
          h("button", {type: "button", onclick: () => act("Marking no", () => api.consent(intro.id, role, "no"))}, `Mark no`)) : null);
    });
  }

  function actions() {
    const buttons = [];
    if (intro.messages.some((m) => m.status === "drafted")) {
      buttons.push(h("button", {type: "button", class: "primary", onclick: () => act("Sending", () => api.sendNow(intro.id))}, "Send now"));
    }
    if (!FINAL.has(intro.state)) {
      buttons.push(confirmCancel
        ? h("button", {type: "button", class: "danger", onclick: () => { confirmCancel = false; act("Cancelling", () => api.cancel(intro.id)); }}, "Yes, cancel this intro")
        : h("button", {type: "button", onclick: () => { confirmCancel = true; render(); }}, "Cancel intro"));
    }
    return buttons.length ? h("div", {class: "actions"}, buttons) : null;
  }

  function render() {
    if (!intro) return replace(body, h("p", {class: "muted"}, "Loading…"));
    replace(body,
      purpose ? h("p", {class: "thread-purpose"}, PURPOSE[purpose] || "This thread belongs to this intro.") : null,
      h("h2", {}, `${intro.requester.name} → ${intro.target.name}`),
      h("p", {class: "badges"}, badge(intro.state), intro.needs_review ? reviewBadge() : null),
      intro.context ? h("p", {class: "context"}, intro.context) : null,
      h("p", {class: "next-step"}, h("strong", {}, "Next: "), intro.next_step),
      actions(),
      h("h3", {}, "Consent"), h("ul", {class: "consents"}, consentRows()),
      h("h3", {}, "Messages"),
      h("ul", {class: "messages"}, intro.messages.map((m) => h("li", {dataset: {step: m.step, status: m.status}},
        h("span", {class: "step"}, words(m.step)), " ", h("span", {class: "msg-status"}, words(m.status)),
        m.to.length ? h("span", {class: "to"}, ` to ${m.to.join(", ")}`) : null,
        m.error ? h("span", {class: "error"}, ` — ${m.error}`) : null))),
      intro.scheduled.length ? [h("h3", {}, "Scheduled"), h("ul", {class: "scheduled"}, intro.scheduled.map((s) =>
        h("li", {}, `${words(s.kind)}${s.role ? ` (${s.role})` : ""} — ${when(s.due_at)}`)))] : null,
      h("h3", {}, "Timeline"),
      h("ol", {class: "timeline"}, intro.timeline.map((e) => h("li", {dataset: {kind: e.kind}},
        h("time", {datetime: e.at}, when(e.at)), " ", e.message))));
  }

  return {
    el,
    get id() { return intro && intro.id; },
    show(view) {
      if (!view || !intro || view.id !== intro.id) { confirmCancel = false; status.textContent = ""; }
      intro = view;
      purpose = view?.thread_purpose || null;
      render();
    },
    async refresh() {
      if (!intro) return;
      try {
        const next = await api.intro(intro.id);
        if (JSON.stringify(next) !== JSON.stringify(intro)) { intro = next; render(); }
      } catch (err) { status.textContent = err.message; }
    },
  };
}
