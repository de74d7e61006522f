import { Redis, type RedisOptions } from "ioredis";

export function redisHelp(url: string): string {
  return (
    `Cannot reach Redis at ${url}. Shopkeeper's background jobs need it.\n` +
    `Start one locally with:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
    `or point REDIS_URL at a running server.`
  );
}

/** A connection for BullMQ. Producers fail fast while Redis is down; workers wait for it to return. */
export function createRedis(url: string, role: "producer" | "worker"): Redis {
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, commandTimeout: 2_000 };
  const redis = new Redis(url, { lazyConnect: false, ...options });
  // ioredis reconnects by itself; without a listener every failed attempt is an unhandled 'error' event.
  redis.on("error", () => {});
  return redis;
}

/** Pings Redis once with a short timeout; resolves to an explanatory error message or null. */
export async function pingRedis(url: string, timeoutMs = 1_500): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch {
    return redisHelp(url);
  } finally {
    redis.disconnect();
  }
}
