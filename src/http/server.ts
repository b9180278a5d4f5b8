/** Listens with @hono/node-server and shuts down cleanly: server, then flush, then database. */
import { createServer, type RequestListener, type ServerOptions } from "node:http";
import { serve, type ServerType } from "@hono/node-server";
import { EXIT, StartupError } from "../platform/errors.js";
import type { Runtime } from "../app/compose.js";
import type { KeyhavenApp } from "./app.js";

export interface RunningServer {
  server: ServerType;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** /gateway/ requests go straight to the gateway's Node handler, everything else to Hono. */
function gatewayFirst(app: KeyhavenApp): typeof createServer {
  return ((options: ServerOptions, listener: RequestListener) =>
    createServer(options, (req, res) => {
      if (req.url?.startsWith("/gateway/")) app.nodeGateway(req, res);
      else listener(req, res);
    })) as typeof createServer;
}

export function listen(app: KeyhavenApp, runtime: Runtime, port: number, host: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host, createServer: gatewayFirst(app) }, (info) => {
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${info.port}`;
      let stopping: Promise<void> | undefined;
      resolve({
        server,
        port: info.port,
        url,
        stop: () =>
          (stopping ??= new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets would hold close() open; end them once in-flight answers are out.
            (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          }).then(() => runtime.close())),
      });
    });
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") {
        reject(new StartupError(`port ${port} on ${host} is already in use; stop the other process or set PORT`, EXIT.PORT_IN_USE));
      } else if (err.code === "EACCES") {
        reject(new StartupError(`no permission to listen on ${host}:${port}; choose a PORT above 1023`, EXIT.PORT_IN_USE));
      } else {
        reject(err);
      }
    });
  });
}
