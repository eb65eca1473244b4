// Render Google Workspace add-on cards (the JSON our /addon/gmail endpoints answer) as plain DOM.
// Widgets: header, sections (header, collapsible), textParagraph, decoratedText (+button), textInput,
// selectionInput (DROPDOWN, RADIO_BUTTON, CHECK_BOX, SWITCH), buttonList, divider.
// Shapes: developers.google.com/workspace/add-ons/reference/rpc/google.apps.card.v1.
// Card text may carry Google's small HTML subset (<b>, <i>, <u>, <br>); nothing else is kept.
import { h } from "../panel/dom.js";

const KEPT_TAGS = new Set(["B", "STRONG", "I", "EM", "U", "BR"]);

/** Text with the allowed tags rebuilt as elements; everything else becomes plain text. */
export function richText(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html").body;
  const rebuild = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    const children = [...node.childNodes].map(rebuild).filter(Boolean);
    if (!KEPT_TAGS.has(node.tagName)) return h("span", {}, children);
    return h(node.tagName.toLowerCase(), {}, children);
  };
  return [...parsed.childNodes].map(rebuild).filter(Boolean);
}

/**
 * renderCard(card, {onAction(fn, parameters), onLink(link)}) → an element.
 * onAction gets the action's function URL and its parameters as a {key: value} map (how Google sends them).
 */
export function renderCard(card, handlers) {
  const header = card.header ? h("header", {class: "card-header"},
    h("h2", {}, card.header.title || ""), card.header.subtitle ? h("p", {class: "subtitle"}, card.header.subtitle) : null)
    : null;
  return h("article", {class: "card", dataset: {name: card.name || ""}}, header,
    (card.sections || []).map((section) => renderSection(section, handlers)));
}

function renderSection(section, handlers) {
  const widgets = (section.widgets || []).map((w) => renderWidget(w, handlers));
  if (section.collapsible) {
    const shown = section.uncollapsibleWidgetsCount || 0;
    return h("section", {class: "card-section"},
      section.header ? h("h3", {}, richText(section.header)) : null, widgets.slice(0, shown),
      h("details", {}, h("summary", {}, "More"), widgets.slice(shown)));
  }
  return h("section", {class: "card-section"}, section.header ? h("h3", {}, richText(section.header)) : null, widgets);
}

const WIDGETS = {
  textParagraph: (w) => h("p", {class: "text"}, richText(w.text)),
  decoratedText: (w, handlers) => h("div", {class: "decorated"},
    h("div", {class: "decorated-text"},
      w.topLabel ? h("span", {class: "top-label"}, richText(w.topLabel)) : null,
      h("span", {class: "main"}, richText(w.text)),
      w.bottomLabel ? h("span", {class: "bottom-label"}, richText(w.bottomLabel)) : null),
    w.button ? renderButton(w.button, handlers) : null),
  textInput: (w) => h("label", {class: "field"}, h("span", {}, w.label || w.name),
    w.type === "MULTIPLE_LINE"
      ? h("textarea", {name: w.name, rows: 3, placeholder: w.hintText || null, value: w.value || ""})
      : h("input", {type: "text", name: w.name, placeholder: w.hintText || null, value: w.value || ""})),
  selectionInput: renderSelection,
  buttonList: (w, handlers) => h("div", {class: "buttons"}, (w.buttons || []).map((b) => renderButton(b, handlers))),
  divider: () => h("hr"),
};

function renderWidget(widget, handlers) {
  const kind = Object.keys(widget).find((k) => WIDGETS[k]);
  return kind ? WIDGETS[kind](widget[kind], handlers) : h("p", {class: "unknown"}, `(${Object.keys(widget)[0]})`);
}

function renderSelection(w) {
  const items = w.items || [];
  if (!w.type || w.type === "DROPDOWN") {
    return h("label", {class: "field"}, h("span", {}, w.label || w.name),
      h("select", {name: w.name}, items.map((i) => h("option", {value: i.value, selected: Boolean(i.selected)}, i.text))));
  }
  const type = w.type === "RADIO_BUTTON" ? "radio" : "checkbox";
  return h("fieldset", {class: "choices"}, h("legend", {}, w.label || w.name),
    items.map((i) => h("label", {}, h("input", {type, name: w.name, value: i.value, checked: Boolean(i.selected)}), i.text)));
}

function renderButton(button, {onAction, onLink}) {
  const click = button.onClick || {};
  return h("button", {type: "button", class: "card-button", onclick: () => {
    if (click.action) {
      const params = Object.fromEntries((click.action.parameters || []).map((p) => [p.key, p.value]));
      onAction(click.action.function, params);
    } else if (click.openLink) {
      onLink(click.openLink);
    }
  }}, button.text || "");
}

/** The card's form values as commonEventObject.formInputs: {name: {stringInputs: {value: [..]}}}. */
export function formInputs(root) {
  const inputs = {};
  const add = (name, value) => {
    inputs[name] ??= {stringInputs: {value: []}};
    inputs[name].stringInputs.value.push(value);
  };
  for (const el of root.querySelectorAll("input[name], textarea[name], select[name]")) {
    if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
    add(el.name, el.value);
  }
  return inputs;
}
