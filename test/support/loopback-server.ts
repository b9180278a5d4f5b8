/**
 * Starts a node:http server on 127.0.0.1 (a free port) for the fake providers, and closes it
 * for good: open keep-alive sockets are destroyed first, so `close()` never waits on a client.
 */
import type http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export async function listenOnLoopback(server: http.Server): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
