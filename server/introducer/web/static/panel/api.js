// The panel's client for /api/v1. The bearer token comes from the host adapter; a 401 asks it once more.

export class ApiError extends Error {
  constructor(status, code, message, findings = [], fields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.findings = findings;
    this.fields = fields; // field path -> what to fix there, in plain words
  }
}

export function createApi(base, host) {
  let token = null;

  async function call(method, path, body, retried = false) {
    if (!token) token = await host.getToken({fresh: retried});
    const headers = {Authorization: `Bearer ${token}`, Accept: "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(base + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (err) {
      throw new ApiError(0, "network", "Introducer cannot be reached right now; retrying soon.");
    }
    if (response.status === 401 && !retried) {
      token = null;
      return call(method, path, body, true);
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(response.status, error.code || "error", error.message || response.statusText, error.findings || [],
                         error.fields || {});
    }
    return data;
  }

  return {
    me: () => call("GET", "/me"),
    updateMe: (changes) => call("PATCH", "/me", changes),
    intros: (states) => call("GET", "/intros" + (states ? `?state=${encodeURIComponent(states.join(","))}` : "")),
    intro: (id) => call("GET", `/intros/${id}`),
    forThread: (threadId, messageId) => call("GET", "/intros/for-thread?" + new URLSearchParams(
      Object.entries({thread_id: threadId, message_id: messageId}).filter(([, v]) => v))),
    prefill: (message) => call("POST", "/intros/prefill", message),
    check: (spec) => call("POST", "/intros/check", spec),
    start: (spec) => call("POST", "/intros", spec),
    cancel: (id) => call("POST", `/intros/${id}/cancel`),
    consent: (id, role, answer) => call("POST", `/intros/${id}/consent`, {role, answer}),
    sendNow: (id) => call("POST", `/intros/${id}/send-now`),
    insights: (months) => call("GET", `/insights?months=${months}`),
    settings: () => call("GET", "/settings"),
    updateSettings: (changes) => call("PATCH", "/settings", changes),
  };
}
