// Pick the host adapter for where the panel runs and mount the panel core with it.
import { mountPanel } from "./panel.js";

const root = document.getElementById("panel");

async function hostAdapter(name) {
  if (name === "sandbox") return (await import("./hosts/sandbox.js")).createSandboxHost(window.parent);
  if (name === "office") return (await import("./hosts/office.js")).createOfficeHost(root);
  return null;
}

const host = await hostAdapter(root.dataset.host);
if (host) {
  window.introducerPanel = await mountPanel(root, host, {apiBase: root.dataset.apiBase});
} else {
  root.textContent = "Open Introducer from your mailbox to use it.";
}
