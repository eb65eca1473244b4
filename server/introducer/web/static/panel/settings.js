// The account's settings: the name intros are signed with, draft or send per step, handoff mode and trigger,
// nudge timing. Saved on change.
import { h, replace } from "./dom.js";

const MODES = [["draft", "Draft for me to send"], ["send", "Send automatically"]];
const STEPS = [
  ["permission_request", "Permission requests"], ["intro", "The intro"], ["decline_note", "Note when someone declines"],
  ["handoff", "Handoff (stepping out)"], ["nudges", "Reminders"],
];
const HANDOFF = {
  handoff_mode: ["How I step out", [["step_out", "Reply to both, Bcc me"], ["bcc_one", "Move me and the other party to Bcc"]]],
  handoff_trigger: ["Step out when", [["first_reply", "someone first replies"], ["both_replied", "both have replied"], ["immediate", "right after the intro"]]],
};
const SUBJECT = ["subject_style", "Intro subject", [["meets", "Intro: Ann meets Bob – context"], ["angle", "Intro: Ann <> Bob – context"]]];
const DAYS = [
  ["consent_nudge_after_days", "Remind a silent party after (business days)"],
  ["expire_after_bump_days", "Give up after the reminder (business days)"],
  ["requester_reminder_after_days", "Remind the requester to follow up after"],
  ["close_loop_after_days", "Check in after the handoff (empty: never)"],
];

export function createSettings({api, me = {}, onSaved, onNameSaved}) {
  const status = h("p", {class: "form-status", role: "status"});
  const form = h("form", {class: "settings", "aria-label": "Settings", novalidate: true});
  let policy = null;
  let name = me.name || "";

  const select = (key, options) => h("select", {name: key, id: `s-${key}`},
    options.map(([value, label]) => h("option", {value, selected: policy[key] === value}, label)));
  const row = (label, control) => h("div", {class: "field"}, h("label", {class: "label", for: control.id}, label), control);

  function render() {
    replace(form,
      h("fieldset", {}, h("legend", {}, "You"), row("Your name, as intros are signed",
        h("input", {type: "text", name: "your_name", id: "s-your_name", maxlength: 200, autocomplete: "name",
                    required: true, value: name}))),
      h("fieldset", {}, h("legend", {}, "Each step"), STEPS.map(([key, label]) => row(label, select(key, MODES))),
        row(SUBJECT[1], select(SUBJECT[0], SUBJECT[2]))),
      h("fieldset", {}, h("legend", {}, "Handoff"),
        Object.entries(HANDOFF).map(([key, [label, options]]) => row(label, select(key, options)))),
      h("fieldset", {}, h("legend", {}, "Timing"), DAYS.map(([key, label]) => row(label,
        h("input", {type: "number", min: 1, max: 60, name: key, id: `s-${key}`, value: policy[key] ?? ""})))),
      h("label", {class: "check"}, h("input", {type: "checkbox", name: "consent_links", checked: Boolean(policy.consent_links)}),
        h("span", {}, "One-click “Yes / No thanks” links in permission requests")),
      status);
  }

  form.addEventListener("change", async (ev) => {
    const control = ev.target;
    const key = control.name;
    if (key === "your_name") return saveName(control.value);
    let value = control.value;
    if (control.type === "checkbox") value = control.checked;
    else if (control.type === "number") value = control.value === "" ? (key === "close_loop_after_days" ? null : NaN) : Number(control.value);
    if (Number.isNaN(value)) { status.textContent = "Enter a number of days."; return; }
    status.textContent = "Saving…";
    try {
      policy = await api.updateSettings({[key]: value});
      status.textContent = "Saved.";
      onSaved(policy);
    } catch (err) {
      status.textContent = err.message;
    }
  });

  async function saveName(value) {
    if (!value.trim()) { status.textContent = "Enter the name you sign intros with."; return; }
    status.textContent = "Saving…";
    try {
      const account = await api.updateMe({name: value});
      name = account.name;
      status.textContent = "Saved.";
      onNameSaved?.(account);
    } catch (err) {
      status.textContent = err.message;
    }
  }

  return {
    el: form,
    set(next) {
      policy = next;
      if (!form.contains(document.activeElement)) render();
    },
  };
}
