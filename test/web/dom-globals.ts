/**
 * A happy-dom document for tests that also run the real HTTP app in the same process.
 * Vitest's happy-dom environment swaps in happy-dom's Request/Response/Headers/fetch, which
 * hide Set-Cookie as a browser would — and the server side needs Node's own. So the file
 * stays in the node environment and this installs only the DOM parts React needs.
 */
import { Window } from "happy-dom";

const KEEP_NODE = new Set(["Request", "Response", "Headers", "fetch", "FormData", "URL", "URLSearchParams", "AbortController", "AbortSignal", "Blob", "File", "ReadableStream", "WritableStream", "TransformStream", "TextEncoder", "TextDecoder", "crypto", "performance", "console", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "structuredClone", "Event", "EventTarget", "MessageChannel", "MessagePort", "BroadcastChannel"]);

export function installDom(): () => Promise<void> {
  const win = new Window({ url: "http://localhost:3000" });
  const g = globalThis as Record<string, unknown>;
  const added: string[] = [];
  for (const key of Object.getOwnPropertyNames(win)) {
    if (KEEP_NODE.has(key) || key in g || key.startsWith("_")) continue;
    try {
      g[key] = (win as unknown as Record<string, unknown>)[key];
      added.push(key);
    } catch {
      // read-only on this side; React does not need it
    }
  }
  g.window = g;
  g.document = win.document;
  g.navigator ??= win.navigator;
  added.push("window", "document");
  // React schedules through MessageChannel when present; Node's is fine.
  (g as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  return async () => {
    for (const key of added) delete g[key];
    await win.happyDOM.abort();
    win.close();
  };
}
