// Renders a Blueprint component tree to DOM, bound to the app's state held by the server.
// Every component's state key is its id; a patch from the server updates the bound elements.

const CHANGE_DEBOUNCE_MS = 300;

// A view of one app: its state, the elements bound to each key, and how it sends events.
export class AppView {
  constructor(appId, state, send) {
    this.appId = appId;
    this.state = new Map(Object.entries(state || {}));
    this.bindings = new Map();
    this.pending = new Map();
    this.send = send;
  }

  // Sends `component`'s change after a pause in typing; any other event flushes it first, so a
  // click on "Add" always sees what was typed.
  changeLater(component, value) {
    const previous = this.pending.get(component.id);
    if (previous) clearTimeout(previous.timer);
    const flush = () => {
      this.pending.delete(component.id);
      this.emit(component, "change", value());
    };
    this.pending.set(component.id, { flush, timer: setTimeout(flush, CHANGE_DEBOUNCE_MS) });
  }

  flushPending() {
    for (const { flush, timer } of [...this.pending.values()]) {
      clearTimeout(timer);
      flush();
    }
  }

  bind(key, update) {
    if (!this.bindings.has(key)) this.bindings.set(key, []);
    this.bindings.get(key).push(update);
    update(this.state.get(key));
  }

  applyChanges(changes) {
    for (const [key, value] of Object.entries(changes || {})) {
      this.state.set(key, value);
      for (const update of this.bindings.get(key) || []) update(value);
    }
  }

  emit(component, event, value) {
    if (event !== "change") this.flushPending();
    const message = { type: "event", app_id: this.appId, component_id: component.id, event };
    if (value !== undefined) message.value = value;
    this.send(message);
  }

  render(component) {
    const build = BUILDERS[component.type] || BUILDERS.container;
    const element = build(component, component.props || {}, this);
    element.dataset.componentId = component.id;
    if (component.props && component.props.style && typeof component.props.style === "object") {
      Object.assign(element.style, component.props.style);
    }
    return element;
  }
}

function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = String(text);
  return element;
}

function bound(component, event) {
  return Boolean(component.on_event && component.on_event[event]);
}

function display(value) {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function children(parent, component, view) {
  for (const child of component.children || []) parent.appendChild(view.render(child));
  return parent;
}

const BUILDERS = {
  button(component, props, view) {
    const button = el("button", `c-button ${props.variant || ""} ${props.size || ""}`, props.text ?? "");
    button.type = "button";
    button.disabled = Boolean(props.disabled);
    if (props.fullWidth) button.style.width = "100%";
    button.addEventListener("click", () => {
      if (bound(component, "click")) view.emit(component, "click");
    });
    return button;
  },
  input(component, props, view) {
    const input = el("input", `c-input ${props.size || ""}`);
    input.type = props.type || "text";
    input.placeholder = props.placeholder || "";
    input.readOnly = Boolean(props.readonly);
    input.disabled = Boolean(props.disabled);
    view.bind(component.id, (value) => {
      if (document.activeElement !== input) input.value = display(value ?? props.value ?? "");
    });
    input.addEventListener("input", () => view.changeLater(component, () => input.value));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && bound(component, "submit")) view.emit(component, "submit", input.value);
    });
    return input;
  },
  textarea(component, props, view) {
    const area = el("textarea", "c-textarea");
    area.rows = props.rows || 4;
    area.placeholder = props.placeholder || "";
    view.bind(component.id, (value) => {
      if (document.activeElement !== area) area.value = display(value ?? props.value ?? "");
    });
    area.addEventListener("input", () => view.changeLater(component, () => area.value));
    return area;
  },
  text(component, props, view) {
    const text = el("div", `c-text ${props.variant || "body"} ${props.align || ""}`);
    view.bind(component.id, (value) => {
      text.textContent = display(value ?? props.content ?? "");
    });
    return text;
  },
  checkbox(component, props, view) {
    const label = el("label", "c-checkbox");
    const box = el("input");
    box.type = "checkbox";
    label.append(box, " ", props.label ?? "");
    view.bind(component.id, (value) => {
      box.checked = Boolean(value ?? props.checked);
    });
    box.addEventListener("change", () => {
      if (bound(component, "click")) view.emit(component, "click");
      else view.emit(component, "change", box.checked);
    });
    return label;
  },
  radio(component, props, view) {
    const label = el("label", "c-radio");
    const radio = el("input");
    radio.type = "radio";
    radio.name = props.name || component.id;
    radio.value = props.value ?? "";
    label.append(radio, " ", props.label ?? "");
    radio.addEventListener("change", () => view.emit(component, "change", radio.value));
    return label;
  },
  slider(component, props, view) {
    const slider = el("input", "c-slider");
    slider.type = "range";
    slider.min = props.min ?? 0;
    slider.max = props.max ?? 100;
    slider.step = props.step ?? 1;
    view.bind(component.id, (value) => {
      slider.value = value ?? props.value ?? 0;
    });
    slider.addEventListener("input", () => view.changeLater(component, () => Number(slider.value)));
    return slider;
  },
  select(component, props, view) {
    const select = el("select", "c-select");
    for (const option of props.options || []) {
      const item = el("option", null, typeof option === "object" ? option.label : option);
      item.value = typeof option === "object" ? option.value : option;
      select.appendChild(item);
    }
    view.bind(component.id, (value) => {
      if (value !== undefined && value !== null) select.value = value;
    });
    select.addEventListener("change", () => view.emit(component, "change", select.value));
    return select;
  },
  container(component, props, view) {
    const horizontal = props.layout === "horizontal";
    const box = el("div", `c-container ${horizontal ? "horizontal" : ""}`);
    if (props.gap !== undefined) box.style.gap = `${props.gap}px`;
    if (props.justify) box.style.justifyContent = { between: "space-between", around: "space-around" }[props.justify] || props.justify;
    return children(box, component, view);
  },
  grid(component, props, view) {
    const grid = el("div", "c-grid");
    grid.style.gridTemplateColumns = `repeat(${Number(props.columns) || 2}, 1fr)`;
    if (props.gap !== undefined) grid.style.gap = `${props.gap}px`;
    return children(grid, component, view);
  },
  list(component, props, view) {
    const list = el("ul", "c-list");
    if (component.children && component.children.length) return children(list, component, view);
    view.bind(component.id, (items) => {
      list.replaceChildren();
      for (const item of Array.isArray(items) ? items : []) {
        const entry = typeof item === "object" && item !== null ? item : { id: String(item), text: String(item) };
        const row = el("li", entry.done ? "done" : "", entry.text ?? entry.name ?? entry.title ?? display(entry));
        row.dataset.itemId = entry.id ?? "";
        row.addEventListener("click", () => {
          if (bound(component, "click")) view.emit(component, "click", entry.id);
        });
        list.appendChild(row);
      }
    });
    return list;
  },
  card(component, props, view) {
    const card = el("section", "c-card");
    if (props.title) card.appendChild(el("h4", null, props.title));
    children(card, component, view);
    if (props.footer) card.appendChild(el("small", null, props.footer));
    return card;
  },
  badge(component, props, view) {
    const badge = el("span", `c-badge ${props.variant || ""}`);
    view.bind(component.id, (value) => {
      badge.textContent = display(value ?? props.text ?? props.content ?? "");
    });
    return badge;
  },
  divider() {
    return el("hr", "c-divider");
  },
  progress(component, props, view) {
    const bar = el("progress", "c-progress");
    bar.max = props.max ?? 100;
    view.bind(component.id, (value) => {
      bar.value = Number(value ?? props.value ?? 0);
    });
    return bar;
  },
  image(component, props) {
    const image = el("img", "c-image");
    image.src = props.src || "";
    image.alt = props.alt || "";
    if (props.width) image.width = props.width;
    return image;
  },
  video(component, props) {
    const video = el("video", "c-video");
    video.src = props.src || "";
    video.controls = props.controls !== false;
    return video;
  },
  audio(component, props) {
    const audio = el("audio", "c-audio");
    audio.src = props.src || "";
    audio.controls = props.controls !== false;
    return audio;
  },
  canvas(component, props) {
    const canvas = el("canvas", "c-canvas");
    canvas.width = props.width || 300;
    canvas.height = props.height || 150;
    return canvas;
  },
  iframe(component, props, view) {
    const frame = el("iframe", "c-iframe");
    frame.title = props.title || component.id;
    frame.setAttribute("sandbox", props.sandbox || "allow-scripts");
    view.bind(component.id, (value) => {
      frame.src = typeof value === "string" && value ? value : props.src || "about:blank";
    });
    return frame;
  },
  tabs(component, props, view) {
    const tabs = el("div", "c-tabs");
    const bar = el("div", "c-tabs-bar");
    const panels = el("div", "c-tabs-panels");
    const buttons = new Map();
    const show = (id) => {
      for (const panel of panels.children) panel.hidden = panel.dataset.componentId !== id;
      for (const [tabId, button] of buttons) button.classList.toggle("active", tabId === id);
    };
    for (const child of component.children || []) {
      const button = el("button", null, (child.props && child.props.label) || child.id);
      button.type = "button";
      button.addEventListener("click", () => show(child.id));
      buttons.set(child.id, button);
      bar.appendChild(button);
      panels.appendChild(view.render(child));
    }
    tabs.append(bar, panels);
    view.bind(component.id, (value) => show(value || props.defaultTab || (component.children?.[0]?.id ?? "")));
    return tabs;
  },
  modal(component, props, view) {
    const modal = el("div", "c-modal");
    const body = el("div");
    if (props.title) body.appendChild(el("h4", null, props.title));
    children(body, component, view);
    modal.appendChild(body);
    view.bind(component.id, (value) => {
      modal.hidden = !(value ?? props.open);
    });
    return modal;
  },
  app_shortcut(component, props, view) {
    const shortcut = el("div", "c-shortcut");
    shortcut.append(el("span", null, props.icon || "📦"), el("strong", null, props.name || props.app_id));
    if (props.description) shortcut.appendChild(el("small", null, props.description));
    shortcut.addEventListener("click", () => {
      if (bound(component, "click")) view.emit(component, "click", props.app_id);
    });
    return shortcut;
  },
};
