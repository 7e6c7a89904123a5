// App windows on the desktop: create, drag by the title bar, focus, close.

let topZ = 10;
let cascade = 0;

export function openWindow(desktop, { title, onClose }) {
  const frame = document.createElement("div");
  frame.className = "window";
  const offset = (cascade++ % 8) * 28;
  frame.style.left = `${40 + offset}px`;
  frame.style.top = `${30 + offset}px`;

  const bar = document.createElement("div");
  bar.className = "window-title";
  const name = document.createElement("span");
  name.textContent = title;
  const close = document.createElement("button");
  close.type = "button";
  close.title = "Close";
  close.setAttribute("aria-label", `Close ${title}`);
  close.textContent = "✕";
  bar.append(name, close);

  const body = document.createElement("div");
  body.className = "window-body";
  const errors = document.createElement("div");
  errors.className = "error-line";
  frame.append(bar, body, errors);
  desktop.appendChild(frame);

  const focus = () => {
    for (const other of desktop.querySelectorAll(".window.focused")) other.classList.remove("focused");
    frame.classList.add("focused");
    frame.style.zIndex = String(++topZ);
  };
  frame.addEventListener("pointerdown", focus);
  focus();

  bar.addEventListener("pointerdown", (start) => {
    if (start.target === close) return;
    const originX = frame.offsetLeft - start.clientX;
    const originY = frame.offsetTop - start.clientY;
    const move = (event) => {
      frame.style.left = `${Math.max(0, originX + event.clientX)}px`;
      frame.style.top = `${Math.max(0, originY + event.clientY)}px`;
    };
    const stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", stop);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
  });
  close.addEventListener("click", () => {
    frame.remove();
    onClose();
  });

  return {
    frame,
    body,
    showError(message) {
      errors.textContent = message || "";
    },
  };
}
