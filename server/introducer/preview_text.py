"""Human-readable rendering of `introducer preview` output (the --json form is the machine one)."""
from __future__ import annotations


def _message(title: str, msg: dict) -> list[str]:
    lines = [f"=== {title} ==="]
    for field in ("to", "cc", "bcc", "reply_to"):
        if msg.get(field):
            lines.append(f"{field.replace('_', '-').title():<9} {', '.join(msg[field])}")
    lines.append(f"{'Subject':<9} {msg['subject']}")
    lines.append("")
    lines.append(msg["text"].rstrip())
    lines.append("")
    return lines


def render_preview(result: dict) -> str:
    lines: list[str] = []
    for msg in result.get("permission_requests", []):
        lines += _message(f"permission request ({msg.get('role')})", msg)
    if result.get("intro"):
        lines += _message("intro", result["intro"])
    if result.get("handoff"):
        lines += _message("handoff", result["handoff"])
    for msg in result.get("nudges", []):
        lines += _message(f"{msg.get('step', 'nudge').replace('_', ' ')}" + (f" ({msg['role']})" if msg.get("role") else ""), msg)
    for msg in result.get("notes", []):
        lines += _message(f"note ({msg.get('step', 'note').replace('_', ' ')}, if it comes to that)", msg)
    findings = result.get("lint", [])
    lines.append("=== etiquette lint ===")
    if not findings:
        lines.append("no findings: the intro follows the etiquette")
    for f in findings:
        lines.append(f"{f['severity']:<8} {f['code']}: {f['message']}")
    return "\n".join(lines)
