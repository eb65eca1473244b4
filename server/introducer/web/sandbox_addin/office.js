// Office.js stand-in for the sandbox page (served only with the sandbox mail world): the task pane runs
// unchanged in the sandbox page's iframe, and this reads the sandbox's open message instead of Outlook's.
// It speaks the sandbox page's host protocol (see ../static/panel/hosts/sandbox.js): ask the page for the
// open message, hear when it changes. Only the surface the task pane uses is here.
(function () {
  const page = window.parent;
  const origin = window.location.origin;
  const pending = new Map();
  const changeHandlers = [];
  let seq = 0;

  function ask(method, timeoutMs = 1000) {
    return new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, {resolve, reject});
      page.postMessage({type: "introducer:request", id, method, args: {}}, origin);
      setTimeout(() => { if (pending.delete(id)) reject(new Error(`the sandbox page did not answer ${method}`)); }, timeoutMs);
    });
  }

  async function askUntilAnswered(method, attempts = 5) {
    // this script runs as the frame loads, possibly before the page listens: ask again for a few seconds
    for (let attempt = 1; ; attempt++) {
      try { return await ask(method); } catch (err) { if (attempt >= attempts) throw err; }
    }
  }

  const person = (p) => (p ? {displayName: p.name || "", emailAddress: p.email} : null);

  async function toItem(message) {
    if (!message) return null;
    let conversationId = null;
    if (message.threadId) {  // the Graph face's conversation id for the world's thread
      const response = await fetch(`/sandbox/api/outlook/conversation?thread_id=${encodeURIComponent(message.threadId)}`);
      if (response.ok) conversationId = (await response.json()).conversationId;
    }
    const text = message.text || "";
    return {itemType: "message", subject: message.subject || "", from: person(message.from),
            to: (message.to || []).map(person), cc: (message.cc || []).map(person), conversationId,
            itemId: null, internetMessageId: null,
            body: {getAsync: (type, callback) => callback({status: "succeeded", value: text})}};
  }

  window.addEventListener("message", async (ev) => {
    if (ev.origin !== origin || ev.source !== page || !ev.data) return;
    const msg = ev.data;
    if (msg.type === "introducer:response" && pending.has(msg.id)) {
      const {resolve, reject} = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(msg.error)); else resolve(msg.result);
    } else if (msg.type === "introducer:openMessageChanged") {
      Office.context.mailbox.item = await toItem(msg.message);
      for (const handler of changeHandlers) handler({type: Office.EventType.ItemChanged});
    }
  });

  const sandbox = page.document.getElementById("sandbox");
  const succeeded = (value) => ({status: "succeeded", value});
  window.Office = {
    EventType: {ItemChanged: "olkItemSelectedChanged", DialogMessageReceived: "dialogMessageReceived",
                DialogEventReceived: "dialogEventReceived"},
    MailboxEnums: {RestVersion: {v2_0: "v2.0"}},
    CoercionType: {Html: "html", Text: "text"},
    AsyncResultStatus: {Succeeded: "succeeded", Failed: "failed"},
    context: {
      requirements: {isSetSupported: (name) => name === "Mailbox" || name === "NestedAppAuth"},
      ui: {displayDialogAsync: (url, options, callback) =>
        callback({status: "failed", error: {code: 12007, message: "The sandbox has no sign-in window."}})},
      mailbox: {
        item: null,
        userProfile: {emailAddress: sandbox ? sandbox.dataset.introducer : "", displayName: ""},
        diagnostics: {hostName: "OutlookWebApp"},
        convertToRestId: (id) => id,
        addHandlerAsync(type, handler, callback) {
          if (type === Office.EventType.ItemChanged) changeHandlers.push(handler);
          callback?.(succeeded(undefined));
        },
      },
    },
  };
  const ready = askUntilAnswered("getOpenMessage").catch(() => null).then(toItem).then((item) => {
    Office.context.mailbox.item = item;
    return {host: "Outlook", platform: "OfficeOnline"};
  });
  Office.onReady = (callback) => ready.then((info) => { callback?.(info); return info; });
})();
