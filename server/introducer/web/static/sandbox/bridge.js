// The sandbox page's side of the panel's host adapter (see panel/hosts/sandbox.js): answers the panel's
// requests and tells it when the open message changes.

export function serveHost(frame, {getOpenMessage, getToken, suggestPeople, openThread, onChanged}) {
  const origin = window.location.origin;
  const methods = {getOpenMessage, getToken, suggestPeople, openThread};

  window.addEventListener("message", async (ev) => {
    if (ev.origin !== origin || ev.source !== frame.contentWindow || !ev.data) return;
    const msg = ev.data;
    if (msg.type === "introducer:changed") return onChanged();
    if (msg.type !== "introducer:request") return;
    const reply = {type: "introducer:response", id: msg.id};
    try {
      if (!Object.hasOwn(methods, msg.method)) throw new Error(`unknown method ${msg.method}`);
      reply.result = await methods[msg.method](msg.args || {});
    } catch (err) {
      reply.error = err.message || String(err);
    }
    frame.contentWindow.postMessage(reply, origin);
  });

  return {
    openMessageChanged(message) {
      frame.contentWindow?.postMessage({type: "introducer:openMessageChanged", message}, origin);
    },
  };
}
