// The Insights tab: what the introducer's intros added up to, from GET /api/v1/insights.
// Charts are inline SVG built here (no library, nothing fetched from elsewhere); each chart has a
// text equivalent (title/desc, and the numbers as text) so a screen reader gets the same story.
import { h, replace, when } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const MONTHS = 12;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}

function stylesheet() {
  // Every host page links panel.css; the Insights styles come with this module instead.
  if (document.getElementById("insights-css")) return;
  document.head.append(h("link", {id: "insights-css", rel: "stylesheet", href: new URL("./insights.css", import.meta.url).href}));
}

export function hours(value) {
  if (value === null || value === undefined) return "—";
  if (value < 1) return `${Math.round(value * 60)} min`;
  if (value < 48) return `${Math.round(value)} h`;
  return `${Math.round(value / 24)} days`;
}

const percent = (rate) => (rate === null || rate === undefined ? "—" : `${Math.round(rate * 100)}%`);
const monthLabel = (key) => new Date(`${key}-15T12:00:00Z`).toLocaleString(undefined, {month: "short", timeZone: "UTC"});

function tile(label, value, note) {
  return h("div", {class: "tile"}, h("span", {class: "tile-value"}, value), h("span", {class: "tile-label"}, label),
    note ? h("span", {class: "tile-note"}, note) : null);
}

function monthsChart(rows) {
  const width = 300, height = 130, base = 108, top = 14;
  const max = Math.max(1, ...rows.map((r) => r.intros));
  const step = width / rows.length, bar = Math.max(6, step * 0.62);
  const summary = rows.map((r) => `${monthLabel(r.month)} ${r.intros}`).join(", ");
  const svg = s("svg", {viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "ins-months-title ins-months-desc",
                        class: "chart", id: "chart-months"},
    s("title", {id: "ins-months-title"}, "Intros per month"), s("desc", {id: "ins-months-desc"}, summary),
    s("line", {x1: 0, x2: width, y1: base + 0.5, y2: base + 0.5, class: "axis"}));
  rows.forEach((r, i) => {
    const x = i * step + (step - bar) / 2;
    const tall = r.intros ? Math.max(2, ((base - top) * r.intros) / max) : 0;
    const g = s("g", {class: "month", "data-month": r.month, "data-intros": r.intros});
    if (tall) g.append(s("rect", {x: x.toFixed(1), y: (base - tall).toFixed(1), width: bar.toFixed(1), height: tall.toFixed(1), rx: 2}));
    if (r.intros) g.append(s("text", {x: (x + bar / 2).toFixed(1), y: (base - tall - 3).toFixed(1), class: "count"}, r.intros));
    g.append(s("text", {x: (x + bar / 2).toFixed(1), y: height - 6, class: "label"}, monthLabel(r.month).slice(0, 3)));
    svg.append(g);
  });
  return svg;
}

function consentChart(consent) {
  const parts = [["yes", "said yes"], ["no", "said no"], ["no_answer", "never answered"], ["pending", "still deciding"]]
    .map(([key, label]) => ({key, label, n: consent[key] || 0})).filter((p) => p.n);
  const total = parts.reduce((sum, p) => sum + p.n, 0) || 1;
  const width = 300;
  const svg = s("svg", {viewBox: `0 0 ${width} 22`, role: "img", "aria-labelledby": "ins-consent-title", class: "chart stacked",
                        id: "chart-consent"},
    s("title", {id: "ins-consent-title"}, `Answers to ${consent.asked} permission requests: ` +
      parts.map((p) => `${p.n} ${p.label}`).join(", ")));
  let x = 0;
  for (const p of parts) {
    const w = (width * p.n) / total;
    svg.append(s("rect", {x: x.toFixed(1), y: 2, width: Math.max(0, w - 1).toFixed(1), height: 18, class: `seg-${p.key}`}));
    x += w;
  }
  const legend = h("ul", {class: "legend"}, parts.map((p) =>
    h("li", {}, h("span", {class: `swatch seg-${p.key}`, "aria-hidden": "true"}), `${p.n} ${p.label}`)));
  return h("div", {}, svg, legend);
}

function peopleChart(people) {
  if (!people.length) return h("p", {class: "muted"}, "Nobody introduced yet.");
  const max = Math.max(...people.map((p) => p.intros));
  return h("ul", {class: "people"}, people.map((p) =>
    h("li", {title: p.email},
      h("span", {class: "person"}, p.name),
      s("svg", {viewBox: "0 0 100 10", class: "bar", "aria-hidden": "true", preserveAspectRatio: "none"},
        s("rect", {x: 0, y: 1, width: ((100 * p.intros) / max).toFixed(1), height: 8, rx: 2})),
      h("span", {class: "n"}, `${p.intros} intro${p.intros === 1 ? "" : "s"}`))));
}

function outcomeLine(row) {
  const who = row.who.join(" and ");
  const what = row.outcome === "declined" ? `${who} declined`
    : row.outcome === "no_answer" ? `${who} never answered`
      : `${row.requester} → ${row.target} stalled (${row.idle_days} days quiet)`;
  return h("li", {class: `outcome outcome-${row.outcome}`},
    h("span", {class: "what"}, what), h("span", {class: "about"}, `${row.requester} → ${row.target}: ${row.context}`),
    h("time", {datetime: row.since}, when(row.since, {hour: undefined, minute: undefined, year: "numeric"})));
}

export function render(data) {
  const c = data.consent;
  const lost = data.declined_or_stalled;
  return [
    h("div", {class: "tiles"},
      tile(`intros in ${data.per_month.length} months`, data.per_month.reduce((n, m) => n + m.intros, 0), `${data.introduced} introduced`),
      tile("consent rate", percent(c.rate), `${c.yes} of ${c.yes + c.no + c.no_answer} answered yes`),
      tile("ask → yes", hours(c.median_hours_ask_to_yes), "median"),
      tile("intro → handoff", hours(data.median_hours_intro_to_handoff), "median")),
    h("h3", {}, "Intros per month"), monthsChart(data.per_month),
    h("h3", {}, "Answers to your permission requests"), consentChart(c),
    h("h3", {}, "Most connected"), peopleChart(data.most_connected),
    h("h3", {}, "Declined or stalled"),
    lost.length ? h("ul", {class: "outcomes"}, lost.slice(0, 8).map(outcomeLine))
      : h("p", {class: "muted"}, "Nothing declined or stalled."),
  ];
}

export function createInsights({api}) {
  stylesheet();
  const body = h("div", {class: "insights-body", "aria-live": "polite"}, h("p", {class: "muted"}, "Adding up your intros…"));
  const el = h("section", {class: "insights", "aria-label": "Insights"}, body);

  async function load() {
    try {
      const data = await api.insights(MONTHS);
      if (!data.total) return replace(body, h("p", {class: "muted"}, "No intros yet: your numbers appear here once you make some."));
      replace(body, render(data));
    } catch (err) {
      replace(body, h("p", {class: "error", role: "alert"}, `Insights could not be loaded: ${err.message}`));
    }
  }

  return {el, load};
}
