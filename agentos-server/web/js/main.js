// The AgentOS web desktop: type a request, watch the Blueprint stream in, use the app.

import { connect } from "./socket.js";
import { AppView } from "./render.js";
import { openWindow } from "./windows.js";

const desktop = document.getElementById("desktop");
const status = document.getElementById("status");
const progress = document.getElementById("progress");
const thoughts = document.getElementById("progress-thoughts");
const stream = document.getElementById("progress-stream");
const apps = new Map();

const socket = connect({
  onStatus: (text) => {
    status.textContent = text;
  },
  onMessage: handle,
});

function handle(message) {
  switch (message.type) {
    case "generation_start":
      progress.hidden = false;
      thoughts.textContent = message.message || "Generating…";
      stream.textContent = "";
      break;
    case "thought":
      thoughts.textContent = message.content;
      break;
    case "generation_token":
      stream.textContent += message.content;
      break;
    case "ui_generated":
      launch(message.app_id, message.ui_spec, {});
      break;
    case "complete":
      progress.hidden = true;
      break;
    case "state": {
      const app = apps.get(message.app_id);
      if (app) {
        app.view.applyChanges(message.changes);
        app.window.showError("");
      }
      break;
    }
    case "error":
      progress.hidden = true;
      status.textContent = message.message;
      for (const app of apps.values()) {
        if (app.window.frame.classList.contains("focused")) app.window.showError(message.message);
      }
      break;
    default:
      break;
  }
}

function launch(appId, blueprint, state) {
  if (apps.has(appId)) return;
  const title = (blueprint.ui && blueprint.ui.title) || (blueprint.app && blueprint.app.name) || "App";
  const window = openWindow(desktop, {
    title,
    onClose: () => {
      apps.delete(appId);
      fetch(`/apps/${appId}`, { method: "DELETE", headers: authHeaders() });
    },
  });
  window.frame.dataset.appId = appId;
  const view = new AppView(appId, state, (event) => socket.send(event));
  for (const component of (blueprint.ui && blueprint.ui.components) || []) {
    window.body.appendChild(view.render(component));
  }
  apps.set(appId, { view, window });
}

function authHeaders() {
  const token = new URLSearchParams(location.search).get("token");
  return token ? { authorization: `Bearer ${token}` } : {};
}

document.getElementById("prompt").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("prompt-input");
  const request = input.value.trim();
  if (!request) return;
  socket.send({ type: "generate_ui", message: request });
  input.value = "";
});

// Reopen the apps already running on the server.
fetch("/apps", { headers: authHeaders() })
  .then((response) => (response.ok ? response.json() : { apps: [] }))
  .then(async (listing) => {
    for (const app of listing.apps || []) {
      const response = await fetch(`/apps/${app.app_id}`, { headers: authHeaders() });
      if (response.ok) {
        const detail = await response.json();
        launch(detail.app_id, detail.blueprint, detail.state);
      }
    }
  })
  .catch(() => {});
