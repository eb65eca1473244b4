"""Accessibility checks in Chromium with axe-core, loaded from the axe-playwright-python wheel (no CDN)."""
from __future__ import annotations

from importlib.resources import files

AXE_JS = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
SERIOUS = ("serious", "critical")


def violations(frame, selector: str = "body") -> list[dict]:
    """axe-core's WCAG 2 A/AA violations inside `selector` of a page or frame: [{id, impact, help, nodes}]."""
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE_JS)
    return frame.evaluate(
        """async (selector) => {
             const result = await axe.run(document.querySelector(selector),
                                          {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"]}});
             return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                                   nodes: v.nodes.map((n) => n.target.join(" "))}));
           }""", selector)


def assert_accessible(frame, selector: str = "body") -> None:
    found = [v for v in violations(frame, selector) if v["impact"] in SERIOUS]
    assert found == [], "accessibility violations (axe-core): " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'][:3])}" for v in found)
