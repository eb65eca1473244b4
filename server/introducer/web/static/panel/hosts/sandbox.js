// Host adapter for the sandbox page: the panel sits in an iframe and asks its parent page over postMessage.
// Protocol (same origin only):
//   panel → page  {type: "introducer:request", id, method, args}
//   page → panel  {type: "introducer:response", id, result | error}
//   page → panel  {type: "introducer:openMessageChanged", message}
//   panel → page  {type: "introducer:changed"}

export function createSandboxHost(parentWindow, origin = window.location.origin, timeoutMs = 5000) {
  let seq = 0;
  const pending = new Map();
  const listeners = [];

  window.addEventListener("message", (ev) => {
    if (ev.origin !== origin || ev.source !== parentWindow || !ev.data) return;
    const msg = ev.data;
    if (msg.type === "introducer:response" && pending.has(msg.id)) {
      const {resolve, reject} = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(msg.error)); else resolve(msg.result);
    } else if (msg.type === "introducer:openMessageChanged") {
      for (const callback of listeners) callback(msg.message || null);
    }
  });

  function ask(method, args) {
    return new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, {resolve, reject});
      parentWindow.postMessage({type: "introducer:request", id, method, args}, origin);
      setTimeout(() => {
        if (pending.delete(id)) reject(new Error(`The sandbox page did not answer (${method}).`));
      }, timeoutMs);
    });
  }

  return {
    getOpenMessage: () => ask("getOpenMessage"),
    getToken: (options) => ask("getToken", options || {}),
    suggestPeople: () => ask("suggestPeople"),
    openThread: (threadId) => ask("openThread", {threadId}),
    onOpenMessageChanged: (callback) => listeners.push(callback),
    changed: () => parentWindow.postMessage({type: "introducer:changed"}, origin),
  };
}
