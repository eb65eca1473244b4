// Tiny DOM helpers: every piece of data is set as text or an attribute, never parsed as HTML.

/**
 * h("button", {class: "primary", onclick: fn, "aria-label": "Send"}, "Send", child…)
 * Props starting with "on" become listeners; `dataset` is an object; `hidden`, `disabled`,
 * `checked`, `selected` and `value` are set as properties; anything else is an attribute.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false && !PROPERTIES.has(key)) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

const PROPERTIES = new Set(["hidden", "disabled", "checked", "selected", "value", "open"]);

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Call fn at most once per `ms`, after the calls stop (for live checks while typing). */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

let timeZone; // the account's zone once known, so every time on screen is in one zone

export function useTimeZone(zone) {
  try {
    new Intl.DateTimeFormat(undefined, {timeZone: zone});
    timeZone = zone;
  } catch { /* an unknown zone: keep the viewer's own */ }
}

/** "Mar 2, 09:05 AM" in the viewer's locale and the account's zone; "" for no date. */
export function when(iso, options = {}) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, {month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
                                                  timeZone, ...options});
}

export function words(value) {
  return String(value || "").replaceAll("_", " ");
}
