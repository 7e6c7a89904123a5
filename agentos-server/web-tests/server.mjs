// Starts the real `agentos` binary on an ephemeral loopback port for a browser test.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function startServer() {
  const binary = process.env.AGENTOS_BIN || path.join(root, "target/debug/agentos");
  const child = spawn(binary, ["--port", "0"], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1", RUST_LOG: "info" } });
  return new Promise((resolve, reject) => {
    let log = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text) => {
      log += text;
      const match = log.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve({ url: match[1], stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`agentos exited with ${code}: ${log}`)));
    child.on("error", reject);
  });
}
