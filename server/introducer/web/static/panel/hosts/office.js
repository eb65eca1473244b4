// Host adapter for Outlook (Office.js): the open item, writing into a compose window, and API tokens.
//
// Read mode: the open message as the panel wants it — item.from (usually the requester), to/cc, subject,
// internetMessageId, conversationId (the thread), and itemId converted to a REST id (convertToRestId; on
// iOS/Android it already is one). Compose mode: insertIntoCompose writes subject, recipients and the
// intro's HTML into the draft. Before the panel mounts, the account must be connected (office_screens.js).
import { createTokenSource } from "./office_auth.js";
import { connectOutlook, createCaller, showComposeTools } from "./office_screens.js";

const SUCCEEDED = "succeeded";

function call(fn) {
  return new Promise((resolve, reject) => fn((result) => {
    if (result.status === SUCCEEDED) resolve(result.value);
    else reject(new Error(`Outlook refused the change: ${result.error?.message || result.error?.code || "unknown error"}`));
  }));
}

const person = (p) => (p && p.emailAddress ? {name: p.displayName || "", email: p.emailAddress} : null);
const people = (list) => (list || []).map(person).filter(Boolean);

/** Compose forms have async getters (item.subject.getAsync); read forms plain values. */
export const isCompose = (item) => Boolean(item && typeof item.subject === "object" && item.subject?.setAsync);

function restId(itemId) {
  if (!itemId) return null;
  const host = Office.context.mailbox.diagnostics?.hostName || "";
  if (/ios|android/i.test(host)) return itemId; // mobile clients hand out REST ids already
  return Office.context.mailbox.convertToRestId(itemId, Office.MailboxEnums.RestVersion.v2_0);
}

export function readItem() {
  const item = Office.context.mailbox.item;
  if (!item || isCompose(item)) return null;
  return {
    from: person(item.from), to: people(item.to), cc: people(item.cc), subject: item.subject || "",
    threadId: item.conversationId || null, itemId: restId(item.itemId), internetMessageId: item.internetMessageId || null,
  };
}

/** The open message's text (Mailbox 1.1 body.getAsync), for the panel's suggestions; "" when it cannot be read. */
function readText(item) {
  return new Promise((resolve) => {
    if (!item?.body?.getAsync) return resolve("");
    try {
      item.body.getAsync(Office.CoercionType.Text, (result) => resolve(result.status === SUCCEEDED ? result.value || "" : ""));
    } catch { resolve(""); }
  });
}

export async function readOpenMessage() {
  const message = readItem();
  return message ? {...message, text: await readText(Office.context.mailbox.item)} : null;
}

export async function insertIntoCompose(subject, html, to) {
  const item = Office.context.mailbox.item;
  if (!isCompose(item)) throw new Error("Open a new message (or a reply) to insert the intro into it.");
  await call((done) => item.subject.setAsync(subject, done));
  await call((done) => item.to.setAsync(to.map((p) => ({displayName: p.name || p.email, emailAddress: p.email})), done));
  await call((done) => item.body.setSelectedDataAsync(html, {coercionType: Office.CoercionType.Html}, done));
}

export async function createOfficeHost(root) {
  if (typeof Office === "undefined") return null; // Office.js did not load: not inside Outlook
  await Office.onReady();
  if (!Office.context?.mailbox) return null; // opened in a plain browser tab
  const config = root.dataset;
  const auth = createTokenSource({clientId: config.clientId, authority: config.authority, scope: config.apiScope,
                                  signInUrl: config.signInUrl});
  const api = createCaller(config.apiBase, auth);
  const listeners = [];
  const composeTools = document.getElementById("compose-tools");
  const refreshCompose = () => showComposeTools(composeTools, {api, insert: insertIntoCompose,
                                                               active: isCompose(Office.context.mailbox.item)});

  // A pinned task pane stays open while the user moves between messages (Mailbox 1.5)
  Office.context.mailbox.addHandlerAsync?.(Office.EventType.ItemChanged, async () => {
    const message = await readOpenMessage();
    for (const callback of listeners) callback(message);
    refreshCompose();
  });

  await connectOutlook(root, {api, auth});
  refreshCompose();
  return {
    getToken: (options) => auth.getToken(options),
    getOpenMessage: () => readOpenMessage(),
    onOpenMessageChanged: (callback) => listeners.push(callback),
    insertIntoCompose,
  };
}
