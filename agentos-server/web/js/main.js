// The AgentOS web desktop: type a request, watch the Blueprint stream in, use the app.

import { connect } from "./socket.js";
import { AppView } from "./render.js";
import { openWindow } from "./windows.js";

const desktop = document.getElementById("desktop");
const status = document.getElementById("status");
const progress = document.getElementById("progress");
const thoughts = document.getElementById("progress-thoughts");
const stream = document.getElementById("progress-stream");
const preview = document.getElementById("progress-preview");
const apps = new Map();

// The app being generated, drawn component by component as the server announces them. The
// announcements come children first and a container without its children, so each waits
// under its parent's path until the parent arrives; a top-level one is drawn at once.
const draft = { view: null, waiting: new Map() };

function startDraft() {
  preview.replaceChildren();
  draft.view = new AppView(null, {}, () => {});
  draft.waiting.clear();
}

function drawDraft(path, component) {
  if (!draft.view) startDraft();
  const children = draft.waiting.get(path);
  draft.waiting.delete(path);
  const whole = children ? { ...component, children } : component;
  const cut = path.lastIndexOf(".children[");
  if (cut < 0) {
    preview.appendChild(draft.view.render(whole));
    return;
  }
  const parent = path.slice(0, cut);
  if (!draft.waiting.has(parent)) draft.waiting.set(parent, []);
  draft.waiting.get(parent).push(whole);
}

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
      startDraft();
      break;
    case "thought":
      thoughts.textContent = message.content;
      break;
    case "generation_token":
      stream.textContent += message.content;
      break;
    case "component":
      drawDraft(message.path, message.component);
      break;
    case "ui_generated":
      launch(message.app_id, message.ui_spec, {});
      break;
    case "complete":
      progress.hidden = true;
      break;
    case "state": {
      const app = apps.get(message.app_id);
      for (const effect of message.effects || []) {
        if (effect.type === "app_launched" && !app) reopen(message.app_id);
        if (effect.type === "app_closed" && app) {
          app.window.frame.remove();
          apps.delete(message.app_id);
        }
      }
      if (app) {
        app.view.applyChanges(message.changes);
        app.window.showError("");
        for (const effect of message.effects || []) perform(effect, app);
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

// Effects are what a tool asks the view to do: show a message, copy text, reload a frame,
// offer a download. The server decided them; the view only carries them out.
function perform(effect, app) {
  switch (effect.type) {
    case "alert":
      toast(effect.message);
      break;
    case "notification":
      toast(`${effect.icon ? `${effect.icon} ` : ""}${effect.title}: ${effect.message}`);
      break;
    case "clipboard":
      navigator.clipboard?.writeText(effect.text).catch(() => toast("Copy to the clipboard was refused"));
      break;
    case "reload": {
      const frame = app.window.frame.querySelector(`[data-component-id="${CSS.escape(effect.target || "")}"]`);
      if (frame && effect.url) frame.src = effect.url;
      break;
    }
    case "download": {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([effect.content ?? ""], { type: "application/octet-stream" }));
      link.download = effect.filename || "download";
      link.click();
      URL.revokeObjectURL(link.href);
      break;
    }
    default:
      break;
  }
}

function toast(text) {
  const note = document.createElement("div");
  note.className = "toast";
  note.setAttribute("role", "alert");
  note.textContent = text;
  document.body.appendChild(note);
  setTimeout(() => note.remove(), 4000);
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

// Opens a window for an app the server runs but this view has not drawn yet.
async function reopen(appId) {
  const response = await fetch(`/apps/${appId}`, { headers: authHeaders() });
  if (response.ok) {
    const detail = await response.json();
    launch(detail.app_id, detail.blueprint, detail.state);
  }
}

// Reopen the apps already running on the server.
fetch("/apps", { headers: authHeaders() })
  .then((response) => (response.ok ? response.json() : { apps: [] }))
  .then(async (listing) => {
    for (const app of listing.apps || []) await reopen(app.app_id);
  })
  .catch(() => {});
