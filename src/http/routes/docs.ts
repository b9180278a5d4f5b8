/** GET /api/openapi.json and a readable page at /api/docs, from local assets only (no CDN). */
import { Hono } from "hono";
import { buildOpenApiDocument } from "../openapi.js";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyhaven API</title><link rel="icon" href="/api/docs/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/api/docs/docs.css"></head>
<body><main id="docs"><h1>Keyhaven API</h1><p>Loading <a href="/api/openapi.json">openapi.json</a>…</p></main>
<script src="/api/docs/docs.js"></script></body></html>`;

const CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f7f7f9;color:#1d1d27}
main{max-width:960px;margin:0 auto;padding:24px}h1{margin-top:0}
.op{background:#fff;border:1px solid #e2e2ea;border-radius:8px;margin:12px 0;padding:12px 16px}
.m{display:inline-block;min-width:64px;font-weight:700;font-family:ui-monospace,monospace}
.get{color:#0a7b3e}.post{color:#1f5fd1}.put{color:#a15c00}.delete{color:#b3261e}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f2f2f6;padding:8px;border-radius:6px;overflow:auto;max-height:320px}
details{margin-top:6px}summary{cursor:pointer;color:#555}.r{margin:2px 0}`;

const JS = `(async () => {
  const root = document.getElementById("docs");
  const spec = await (await fetch("/api/openapi.json")).json();
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  const resolve = (s) => s && s.$ref ? spec.components.schemas[s.$ref.split("/").pop()] : s;
  root.textContent = "";
  root.append(el("h1", null, spec.info.title), el("p", null, spec.info.description));
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const box = el("section", "op");
      const head = el("div");
      head.append(el("span", "m " + method, method.toUpperCase()), el("code", null, path));
      box.append(head, el("div", null, op.summary || ""));
      const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
      if (body) {
        const d = el("details"); d.append(el("summary", null, "Request body"), el("pre", null, JSON.stringify(resolve(body.schema), null, 2))); box.append(d);
      }
      for (const [code, r] of Object.entries(op.responses || {})) {
        const c = r.content && r.content["application/json"];
        if (c) { const d = el("details"); d.append(el("summary", null, code + " — " + r.description), el("pre", null, JSON.stringify(resolve(c.schema), null, 2))); box.append(d); }
        else box.append(el("div", "r", code + " — " + r.description));
      }
      root.append(box);
    }
  }
})();`;

// A key on the brand colour; served here so the page needs nothing outside /api/docs.
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#4f46e5"/><circle cx="12" cy="14" r="5" fill="none" stroke="#fff" stroke-width="2.5"/><path d="M16 17l8 8m-3-3l2-2" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/></svg>`;

export function docsRoutes(publicUrl: string) {
  const app = new Hono();
  let cached: string | undefined;
  app.get("/openapi.json", (c) => {
    cached ??= JSON.stringify(buildOpenApiDocument(publicUrl));
    return c.body(cached, 200, { "Content-Type": "application/json" });
  });
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/docs.js", (c) => c.body(JS, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  app.get("/docs/favicon.svg", (c) => c.body(ICON, 200, { "Content-Type": "image/svg+xml" }));
  app.get("/docs/docs.css", (c) => c.body(CSS, 200, { "Content-Type": "text/css; charset=utf-8" }));
  return app;
}
