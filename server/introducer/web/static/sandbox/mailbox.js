// One sandbox mailbox as a mail client shows it: drafts with Send, threads newest first, a thread reader,
// and a reply box for simulated people.
import { h, replace, when } from "../panel/dom.js";

const personName = (list) => (list || []).map((p) => (p.name ? `${p.name} <${p.email}>` : p.email)).join(", ");

export function createMailbox({title, listEl, readerEl, replyForm, call, onOpenMessage, onAction, say}) {
  let person = null;
  let threadId = null;
  let shownList = "";
  let shownThread = "";
  const base = () => `/sandbox/api/mailboxes/${encodeURIComponent(person.email)}`;
  const replyText = replyForm.querySelector("textarea");
  const replyLabel = replyForm.querySelector("label");

  async function send(draftId) {
    say("Sending the draft…");
    try {
      onAction(await call("POST", `${base()}/drafts/${encodeURIComponent(draftId)}/send`), "Draft sent.");
    } catch (err) { say(err.message); }
  }

  function draftRow(d) {
    return h("li", {class: "draft", dataset: {draftId: d.draft_id}},
      h("button", {type: "button", class: "draft-open", onclick: () => open(d.thread_id)},
        h("span", {class: "subject"}, d.subject || "(no subject)"),
        h("span", {class: "to"}, `To: ${personName(d.to)}`)),
      h("button", {type: "button", class: "primary send-draft", onclick: () => send(d.draft_id),
                   "aria-label": `Send draft: ${d.subject}`}, "Send"));
  }

  function threadRow(t) {
    return h("li", {},
      h("button", {type: "button", class: `thread${t.unread ? " unread" : ""}${t.thread_id === threadId ? " open" : ""}`,
                   dataset: {threadId: t.thread_id}, "aria-current": t.thread_id === threadId ? "true" : null,
                   onclick: () => open(t.thread_id)},
        h("span", {class: "line"},
          h("span", {class: "senders"}, t.senders.join(", ") || "(me)"),
          t.count > 1 ? h("span", {class: "count"}, String(t.count)) : null,
          h("time", {datetime: t.date}, when(t.date))),
        h("span", {class: "subject"}, t.subject || "(no subject)"),
        h("span", {class: "snippet"}, t.snippet),
        h("span", {class: "chips"},
          t.unread ? h("span", {class: "chip unread-chip"}, "Unread") : null,
          t.draft ? h("span", {class: "chip draft-chip"}, "Draft") : null,
          t.sent && !t.inbox ? h("span", {class: "chip"}, "Sent") : null,
          t.labels.map((l) => h("span", {class: "chip label"}, l)))));
  }

  async function refreshList() {
    if (!person) return;
    const [{threads}, {drafts}] = await Promise.all([call("GET", `${base()}/threads`), call("GET", `${base()}/drafts`)]);
    const signature = JSON.stringify([threads, drafts, threadId]);
    if (signature === shownList) return;
    shownList = signature;
    replace(listEl,
      drafts.length ? h("section", {class: "drafts", "aria-label": "Drafts"},
        h("h3", {}, `Drafts (${drafts.length})`), h("ul", {}, drafts.map(draftRow))) : null,
      h("h3", {}, "All mail"),
      threads.length ? h("ul", {class: "threads"}, threads.map(threadRow)) : h("p", {class: "muted"}, "No mail yet."));
  }

  function messageView(m) {
    const head = [["From", personName(m.from)], ["To", personName(m.to)], ["Cc", personName(m.cc)],
                  ["Bcc", personName(m.bcc)], ["Reply-To", personName(m.reply_to)], ["Subject", m.subject],
                  ["Date", when(m.date)]].filter(([, v]) => v);
    return h("article", {class: `message${m.draft_id ? " is-draft" : ""}`, dataset: {messageId: m.id}},
      h("dl", {class: "headers"}, head.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      h("div", {class: "chips"},
        m.draft_id ? h("span", {class: "chip draft-chip"}, "Draft") : null,
        m.automatic ? h("span", {class: "chip"}, "Automatic reply") : null,
        m.labels.filter((l) => !["INBOX", "SENT", "DRAFT"].includes(l)).map((l) => h("span", {class: "chip label"}, l)),
        m.draft_id ? h("button", {type: "button", class: "primary send-draft", onclick: () => send(m.draft_id)}, "Send") : null),
      h("pre", {class: "body"}, m.text));
  }

  async function refreshThread() {
    if (!person || !threadId) return;
    let data;
    try {
      data = await call("GET", `${base()}/threads/${encodeURIComponent(threadId)}`);
    } catch (err) {
      threadId = null;
      if (!person.simulated) onOpenMessage(null);
      replace(readerEl, h("p", {class: "muted"}, "This thread is gone (a sent draft leaves its thread)."));
      replyForm.hidden = true;
      return;
    }
    const signature = JSON.stringify(data.messages);
    if (signature !== shownThread) {
      shownThread = signature;
      const subject = data.messages[0]?.subject || "(no subject)";
      replace(readerEl, h("h2", {class: "thread-subject"}, subject), data.messages.map(messageView));
    }
    replyForm.hidden = !person.simulated || !data.messages.some((m) => !m.draft_id && m.from[0]?.email !== person.email);
    if (!person.simulated) {
      const read = data.messages.filter((m) => !m.draft_id);
      const last = read[read.length - 1];
      // the panel reads the newest message as a mail client hands it to an add-in: headers and its text
      if (last) onOpenMessage({from: last.from[0] || null, to: last.to, cc: last.cc, subject: last.subject, threadId,
                               itemId: last.id, text: last.text});
    }
  }

  async function open(id) {
    threadId = id;
    shownThread = "";
    shownList = "";
    await Promise.all([refreshThread(), refreshList()]);
  }

  replyForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    say(`Replying as ${person.name}…`);
    try {
      const result = await call("POST", `${base()}/threads/${encodeURIComponent(threadId)}/reply`, {text: replyText.value});
      replyText.value = "";
      onAction(result, `${person.name} replied.`);
    } catch (err) { say(err.message); }
  });

  return {
    get email() { return person && person.email; },
    async show(next) {
      if (!person || next.email !== person.email) {
        onOpenMessage(null); // another mailbox: the introducer's open message is closed
        threadId = null;
        shownList = shownThread = "";
        replace(readerEl, h("p", {class: "muted"}, "Open a thread to read it."));
        replyForm.hidden = true;
      }
      person = next;
      title.textContent = `${person.name}'s mailbox`;
      replyLabel.textContent = `Reply as ${person.name}`;
      await refreshList();
    },
    async refresh() { await Promise.all([refreshList(), refreshThread()]); },
    open,
  };
}
