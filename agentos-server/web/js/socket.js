// The desktop's WebSocket to /stream: reconnects with backoff and routes messages by type.

export function connect({ onMessage, onStatus }) {
  let socket = null;
  let backoff = 250;
  const queue = [];

  function open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const token = new URLSearchParams(location.search).get("token");
    const query = token ? `?token=${encodeURIComponent(token)}` : "";
    socket = new WebSocket(`${scheme}://${location.host}/stream${query}`);
    socket.addEventListener("open", () => {
      backoff = 250;
      onStatus("connected");
      while (queue.length) socket.send(queue.shift());
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      onMessage(message);
    });
    socket.addEventListener("close", () => {
      onStatus("reconnecting…");
      setTimeout(open, backoff);
      backoff = Math.min(backoff * 2, 5000);
    });
  }

  open();
  return {
    send(message) {
      const text = JSON.stringify(message);
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
  };
}
