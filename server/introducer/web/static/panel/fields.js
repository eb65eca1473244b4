// Form fields that explain themselves: a label, an optional hint, a "suggested" mark for values the panel
// filled in (never silently), and an error in plain words right below the field.
import { h } from "./dom.js";

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]{2,}$/;

function describedBy(input, ids) {
  const list = ids.filter(Boolean);
  if (list.length) input.setAttribute("aria-describedby", list.join(" "));
  else input.removeAttribute("aria-describedby");
}

/** A labelled field; returns its element and the parts to mark or flag later. */
export function field(label, input, hint) {
  const hintEl = hint ? h("span", {class: "hint", id: `${input.id}-hint`}, hint) : null;
  const mark = h("span", {class: "suggested-note", id: `${input.id}-suggested`, hidden: true});
  const error = h("span", {class: "field-error", id: `${input.id}-error`, hidden: true});
  const el = h("div", {class: "field"}, h("label", {class: "label", for: input.id}, label), input, mark, hintEl, error);
  const refresh = () => describedBy(input, [!error.hidden && error.id, !mark.hidden && mark.id, hintEl && hintEl.id]);
  refresh();
  input.introducerField = {
    suggest(note) {
      mark.textContent = note;
      mark.hidden = !note;
      input.classList.toggle("suggested", Boolean(note));
      refresh();
    },
    flag(message) {
      error.textContent = message || "";
      error.hidden = !message;
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      refresh();
    },
  };
  return el;
}

export const suggest = (input, note) => input.introducerField?.suggest(note);
export const flag = (input, message) => input.introducerField?.flag(message);

const firstName = (name, fallback) => (String(name || "").trim().split(/\s+/)[0] || fallback);

/**
 * What is wrong with the form, in plain words, per field: {requesterEmail: "Ann's address looks incomplete.", …}.
 * `required`: also say what is missing (once the user has started; an empty form is not an error).
 */
export function problems(s, me, {required}) {
  const out = {};
  const who = {requester: firstName(s.requester.name, "The requester"), target: firstName(s.target.name, "The target")};
  const whose = (role) => `${who[role]}'s`;
  for (const role of ["requester", "target"]) {
    const p = s[role];
    const key = (part) => `${role}${part}`;
    if (!p.name && required) out[key("Name")] = role === "requester" ? "Who asked? Add their name." : "Who should they meet? Add a name.";
    if (!p.email) {
      if (required) out[key("Email")] = `Add ${whose(role)} email address.`;
    } else if (!EMAIL.test(p.email)) {
      out[key("Email")] = `${whose(role)} address looks incomplete: it should look like name@example.com.`;
    } else if (me && p.email.toLowerCase() === String(me.email || "").toLowerCase()) {
      out[key("Email")] = "That is your own address: you are the one introducing.";
    }
  }
  if (s.requester.email && s.target.email && s.requester.email.toLowerCase() === s.target.email.toLowerCase() && !out.targetEmail) {
    out.targetEmail = `${whose("target")} address is the same as ${whose("requester")}: they must be two different people.`;
  }
  if (s.context.length > 200) out.context = `The context is ${s.context.length} characters; keep it under 200 (it goes into the subject).`;
  return out;
}

const KEYS = {"requester.name": "requesterName", "requester.email": "requesterEmail", "requester.blurb": "requesterBlurb",
              "target.name": "targetName", "target.email": "targetEmail", "target.blurb": "targetBlurb",
              context: "context", benefit_to_target: "benefitToTarget", benefit_to_requester: "benefitToRequester",
              shared_connection: "sharedConnection"};

/** A server error's per-field problems ({"requester.email": "…"}) as form keys: {requesterEmail: "…"}. */
export function fieldsOfError(err) {
  const out = {};
  for (const [path, message] of Object.entries(err?.fields || {})) if (KEYS[path]) out[KEYS[path]] = message;
  const one = fieldOfError(err?.message);
  if (one && !Object.keys(out).length) out[one.key] = one.message;
  return out;
}

/** Server errors name a field path ("requester.email: …"): which form field it is, and the words after it. */
export function fieldOfError(message) {
  const found = /^(requester|target)\.(name|email|blurb)\s*:\s*(.*)$/s.exec(String(message || "")) ||
                /^(context|benefit_to_target|benefit_to_requester|shared_connection)\s*:\s*(.*)$/s.exec(String(message || ""));
  if (!found) return null;
  if (found.length === 4) return {key: found[1] + found[2][0].toUpperCase() + found[2].slice(1), message: found[3]};
  const keys = {context: "context", benefit_to_target: "benefitToTarget", benefit_to_requester: "benefitToRequester",
                shared_connection: "sharedConnection"};
  return {key: keys[found[1]], message: found[2]};
}
