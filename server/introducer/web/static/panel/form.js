// The Introduce form: prefilled from the open message (marked as suggestions), checked as you type (plain-words
// errors beside each field, all at once; the etiquette by /intros/check), submitted to /intros.
import { h, replace, debounce } from "./dom.js";
import { field, fieldsOfError, flag, problems, suggest } from "./fields.js";

const oneLine = (value) => String(value || "").replace(/\s+/g, " ").trim();
const same = (a, b) => String(a || "").toLowerCase() === String(b || "").toLowerCase();

function check(label, input) {
  return h("label", {class: "check"}, input, h("span", {}, label));
}

export function createIntroduceForm({api, host, me, onStarted, onSettingsChanged}) {
  const input = (name, props = {}) => h("input", {name, id: `f-${name}`, autocomplete: "off", ...props});
  const area = (name, props = {}) => h("textarea", {name, id: `f-${name}`, rows: 2, ...props});
  const f = {
    requesterName: input("requester_name"),
    requesterEmail: input("requester_email", {type: "email"}),
    requesterBlurb: input("requester_blurb", {placeholder: "e.g. founder of Acme, clinic scheduling software"}),
    requesterCall: input("requester_call_name", {placeholder: "Greeting name; empty: guessed from the name"}),
    askRequester: input("ask_requester", {type: "checkbox"}),
    targetPick: h("select", {name: "target_pick", id: "f-target_pick"}),
    targetName: input("target_name"),
    targetEmail: input("target_email", {type: "email"}),
    targetBlurb: input("target_blurb", {placeholder: "e.g. partner at Stone VC"}),
    targetCall: input("target_call_name", {placeholder: "Greeting name; empty: guessed from the name"}),
    targetAgreed: input("target_agreed", {type: "checkbox"}),
    context: input("context", {maxlength: 200, placeholder: "e.g. clinic go-to-market"}),
    benefitToTarget: area("benefit_to_target"),
    benefitToRequester: area("benefit_to_requester"),
    sharedConnection: input("shared_connection", {placeholder: "e.g. Ann and I worked together at MediSys"}),
    consentLinks: input("consent_links", {type: "checkbox", checked: Boolean(me.settings?.consent_links),
                                          disabled: !me.features?.consent_links}),
  };
  const source = h("p", {class: "source", id: "introduce-source"});
  const lint = h("section", {class: "lint", "aria-live": "polite", "aria-label": "Etiquette check"});
  const previewSubject = h("p", {class: "preview-subject"});
  const previewText = h("pre", {class: "preview-text"});
  const preview = h("details", {class: "preview", hidden: true}, h("summary", {}, "Preview the intro"), previewSubject, previewText);
  const submit = h("button", {type: "submit", class: "primary", disabled: true}, "Introduce");
  const status = h("p", {class: "form-status", role: "status"});
  const refill = h("button", {type: "button", class: "link", hidden: true, onclick: () => fillFrom(openMessage, true)},
    "Fill in from the open message");

  const form = h("form", {class: "intro-form", novalidate: true, "aria-label": "Introduce two people"},
    h("div", {class: "source-row"}, source, refill),
    h("fieldset", {}, h("legend", {}, "Requester — who asked"),
      field("Name", f.requesterName), field("Email", f.requesterEmail), field("One line about them", f.requesterBlurb),
      field("What to call them (optional)", f.requesterCall),
      check("Ask the requester too (they did not ask for this intro)", f.askRequester)),
    h("fieldset", {}, h("legend", {}, "Target — who they want to meet"),
      field("Choose someone", f.targetPick), field("Name", f.targetName), field("Email", f.targetEmail),
      field("One line about them", f.targetBlurb), field("What to call them (optional)", f.targetCall), check("They already agreed (do not ask them)", f.targetAgreed)),
    h("fieldset", {}, h("legend", {}, "Why introduce them"),
      field("Context", f.context, "Goes into the subject: Intro: A meets B – context"),
      field("What the target gets", f.benefitToTarget), field("What the requester gets", f.benefitToRequester),
      field("How you know them (optional)", f.sharedConnection)),
    check(me.features?.consent_links ? "One-click “Yes / No thanks” links in permission requests"
      : "One-click “Yes / No thanks” links (not available on this server)", f.consentLinks),
    lint, preview, h("div", {class: "actions"}, submit), status);

  let openMessage = null;
  let fills = 0;
  let sourceThread = null;
  let dirty = false;
  let seq = 0;
  let verdict = null; // the last check answer for the current values: {ok, findings, intro} or {error}

  function spec() {
    return {
      requester: {name: oneLine(f.requesterName.value), email: oneLine(f.requesterEmail.value),
                  asked: !f.askRequester.checked, blurb: oneLine(f.requesterBlurb.value),
                  call_name: oneLine(f.requesterCall.value)},
      target: {name: oneLine(f.targetName.value), email: oneLine(f.targetEmail.value),
               blurb: oneLine(f.targetBlurb.value), consent_given: f.targetAgreed.checked,
               call_name: oneLine(f.targetCall.value)},
      context: oneLine(f.context.value),
      benefit_to_target: oneLine(f.benefitToTarget.value),
      benefit_to_requester: oneLine(f.benefitToRequester.value),
      shared_connection: oneLine(f.sharedConnection.value),
      source_thread_id: sourceThread,
    };
  }

  function showLint(result) {
    verdict = result;
    submit.disabled = !(result && result.ok);
    if (!result) return replace(lint, h("p", {class: "muted"}, "Checking the etiquette…"));
    if (result.missing) { preview.hidden = true; return replace(lint, h("p", {class: "muted"}, result.missing)); }
    if (result.error) {
      preview.hidden = true;
      return replace(lint, h("ul", {class: "findings"}, h("li", {class: "error"}, result.error)));
    }
    preview.hidden = !result.intro;
    if (result.intro) {
      previewSubject.textContent = result.intro.subject;
      previewText.textContent = result.intro.text;
    }
    if (!result.findings.length) return replace(lint, h("p", {class: "ok"}, "✓ Follows the etiquette."));
    replace(lint, h("ul", {class: "findings"}, result.findings.map((x) =>
      h("li", {class: x.severity, dataset: {code: x.code}}, h("strong", {}, x.severity === "error" ? "Fix: " : "Consider: "), x.message))));
  }

  const FIELD_KEYS = ["requesterName", "requesterEmail", "targetName", "targetEmail", "context", "requesterBlurb",
                      "targetBlurb", "benefitToTarget", "benefitToRequester", "sharedConnection"];
  let touched = false; // an untouched empty form is not wrong yet

  /** Flag every field's problem at once; true when the form can be checked by the server. */
  function showProblems(s, extra = {}) {
    const found = {...problems(s, me, {required: touched}), ...extra};
    for (const key of FIELD_KEYS) flag(f[key], found[key]);
    return Object.keys(found).length === 0;
  }

  async function runCheck() {
    const mine = ++seq;
    const s = spec();
    preview.hidden = true; // the preview shows only what the server wrote for exactly these values
    if (!showProblems(s)) {
      return showLint({missing: "Fix the fields marked above; the etiquette check runs once they look right."});
    }
    if (!s.requester.email || !s.target.email || !s.requester.name || !s.target.name) {
      return showLint({missing: "Fill in who asked and who they should meet to check the etiquette."});
    }
    showLint(null);
    try {
      const result = await api.check(s);
      if (mine === seq) showLint(result);
    } catch (err) {
      if (mine !== seq) return;
      const marked = fieldsOfError(err);
      if (Object.keys(marked).length) {
        showProblems(s, marked);
        return showLint({missing: "Fix the fields marked above; the etiquette check runs once they look right."});
      }
      showLint({error: err.message, findings: err.findings || []});
    }
  }
  const checkSoon = debounce(runCheck, 300);

  function setPicker(options) {
    const groups = [];
    if (options.recipients.length) groups.push(h("optgroup", {label: "On this message"}, options.recipients.map(opt)));
    if (options.known.length) groups.push(h("optgroup", {label: "People you know"}, options.known.map(opt)));
    replace(f.targetPick, h("option", {value: ""}, "Type a name and address below…"), groups);
  }
  const opt = (p) => h("option", {value: p.email, dataset: {name: p.name || ""}}, p.name ? `${p.name} <${p.email}>` : p.email);

  const SUGGESTED = ["requesterName", "requesterEmail", "requesterBlurb", "targetName", "targetEmail", "context"];

  function clear(text) {
    form.reset();
    f.consentLinks.checked = Boolean(me.settings?.consent_links);
    for (const key of SUGGESTED) suggest(f[key], "");
    for (const key of FIELD_KEYS) flag(f[key], "");
    touched = false;
    dirty = false;
    sourceThread = null;
    verdict = null;
    preview.hidden = true;
    lint.replaceChildren();
    submit.disabled = true;
    source.textContent = text;
  }

  /** Fill the form from the open message (or empty it when none is open); what it guessed is marked. */
  async function fillFrom(message, force = false) {
    if (dirty && !force) return;
    const mine = ++fills;
    if (!message) {
      clear("Open a message to fill this in from it, or type the details.");
      refill.hidden = true;
      setPicker({recipients: [], known: await knownPeople([])});
      return;
    }
    const me_ = (p) => same(p && p.email, me.email);
    const requester = message.from && !me_(message.from) ? message.from : (message.to || []).find((p) => !me_(p));
    const others = [...(message.to || []), ...(message.cc || [])].filter((p) => !me_(p) && !same(p.email, requester?.email));
    const known = (await knownPeople([requester, ...others])).filter((p) => !others.some((o) => same(o.email, p.email)));
    if (mine !== fills) return; // another message opened meanwhile
    setPicker({recipients: others, known});
    clear(`From the open message: “${message.subject || "(no subject)"}”`);
    f.requesterName.value = requester?.name || "";
    f.requesterEmail.value = requester?.email || "";
    if (requester) for (const key of ["requesterName", "requesterEmail"]) suggest(f[key], "From the sender");
    if (others.length === 1) { pick(others[0].email); suggest(f.targetName, "On the message"); suggest(f.targetEmail, "On the message"); }
    sourceThread = message.threadId || null;
    touched = true;
    refill.hidden = true;
    runCheck();
    await suggestFromText(message, [...others, ...known], mine);
  }

  async function knownPeople(exclude) {
    let known = [];
    try { known = host.suggestPeople ? await host.suggestPeople() : []; } catch { known = []; }
    return known.filter((p) => !same(p.email, me.email) && !exclude.some((x) => x && same(x.email, p.email)));
  }

  /** The ask names who, about what, and a line to forward: offer them, marked, where the form is still empty. */
  async function suggestFromText(message, people, mine) {
    if (!message.text && !message.subject) return;
    let hints;
    try {
      hints = await api.prefill({subject: message.subject || "", text: message.text || "", people});
    } catch { return; } // suggestions are a convenience: the form works without them
    if (mine !== fills || dirty) return;
    const offer = (key, value, note) => {
      if (!value || f[key].value) return;
      f[key].value = value;
      suggest(f[key], note);
    };
    if (hints.target_name && !f.targetName.value) {
      if (hints.target_email && [...f.targetPick.options].some((o) => same(o.value, hints.target_email))) pick(hints.target_email);
      offer("targetName", hints.target_name, "Named in the message");
      offer("targetEmail", hints.target_email, "From people you know");
      if (f.targetName.value) suggest(f.targetName, "Named in the message");
      if (hints.target_email && same(f.targetEmail.value, hints.target_email)) suggest(f.targetEmail, "From people you know");
    }
    offer("targetBlurb", hints.target_org ? `at ${hints.target_org}` : "", "From the message");
    offer("context", hints.context, "From the message");
    offer("requesterBlurb", hints.requester_blurb, "Their line for forwarding");
    runCheck();
  }

  function pick(email) {
    f.targetPick.value = email;
    const chosen = f.targetPick.selectedOptions[0];
    if (email && chosen) {
      f.targetName.value = chosen.dataset.name || "";
      f.targetEmail.value = email;
    }
  }

  form.addEventListener("input", (ev) => {
    if (ev.target === f.consentLinks) return;
    if (ev.target === f.targetPick) pick(f.targetPick.value);
    else if (ev.target === f.targetName || ev.target === f.targetEmail) f.targetPick.value = "";
    suggest(ev.target, ""); // the user's own value now
    if (ev.target === f.targetPick) { suggest(f.targetName, ""); suggest(f.targetEmail, ""); }
    dirty = true;
    touched = true;
    preview.hidden = true;
    status.textContent = "";
    checkSoon();
  });

  f.consentLinks.addEventListener("change", async () => {
    try {
      onSettingsChanged(await api.updateSettings({consent_links: f.consentLinks.checked}));
    } catch (err) {
      f.consentLinks.checked = !f.consentLinks.checked;
      status.textContent = `Could not change the setting: ${err.message}`;
    }
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!verdict || !verdict.ok) return;
    submit.disabled = true;
    status.textContent = "Starting the intro…";
    try {
      const intro = await api.start(spec());
      clear("Intro started. Open another message to introduce someone else.");
      status.textContent = "";
      refill.hidden = !openMessage;
      onStarted(intro);
    } catch (err) {
      const marked = fieldsOfError(err);
      status.textContent = Object.keys(marked).length ? "Fix the fields marked above." : err.message;
      for (const [key, message] of Object.entries(marked)) flag(f[key], message);
      if (err.findings && err.findings.length) showLint({ok: false, findings: err.findings});
      else submit.disabled = false;
    }
  });

  source.textContent = "Open a message to fill this in from it, or type the details.";
  setPicker({recipients: [], known: []});
  host.suggestPeople?.().then((known) => {
    if (!openMessage) setPicker({recipients: [], known: known.filter((p) => !same(p.email, me.email))});
  }).catch(() => {});

  return {
    el: form,
    setOpenMessage(message) {
      openMessage = message;
      if (!dirty) return fillFrom(message);
      // typed by hand: keep the values, but link the intro only to the thread that is open now
      if (!message || message.threadId !== sourceThread) sourceThread = null;
      refill.hidden = !message;
      return null;
    },
    setSettings(settings) {
      me = {...me, settings};
      f.consentLinks.checked = Boolean(settings.consent_links);
    },
  };
}
