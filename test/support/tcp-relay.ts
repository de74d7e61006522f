import net, { type AddressInfo, type Socket } from "node:net";

export interface TcpRelay {
  port: number;
  /** The target URL with its host and port swapped for the relay's. */
  url(): string;
  /** Stops listening and resets every open connection: the dependency has gone away. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Keeps connections open but holds back what the app sends: the dependency has stalled. */
  pause(): void;
  /** Delivers what was held back and relays normally again. */
  resume(): void;
  /** Bytes the app sent while paused, not yet delivered. */
  heldBytes(): number;
}

/**
 * A TCP relay on 127.0.0.1 in front of a service URL (postgresql://, redis://), so a test can take
 * the service away from an app process and give it back on the same address without touching the
 * real server.
 */
export async function startTcpRelay(target: string): Promise<TcpRelay> {
  const targetUrl = new URL(target);
  const targetPort = Number(targetUrl.port);
  const sockets = new Set<Socket>();
  const held: { client: Socket; chunk: Buffer }[] = [];
  const upstreams = new WeakMap<Socket, Socket>();
  let server: net.Server | null = null;
  let paused = false;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetUrl.hostname);
        upstreams.set(client, upstream);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.on("data", (chunk: Buffer) => {
          if (paused) held.push({ client, chunk });
          else upstream.write(chunk);
        });
        upstream.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  await listen();
  return {
    get port() {
      return port;
    },
    url() {
      const url = new URL(target);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    async down() {
      held.length = 0;
      for (const socket of sockets) socket.resetAndDestroy();
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    up: listen,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const { client, chunk } of held.splice(0)) upstreams.get(client)?.write(chunk);
    },
    heldBytes: () => held.reduce((sum, h) => sum + h.chunk.length, 0),
  };
}
