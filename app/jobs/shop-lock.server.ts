import type { Redis } from "ioredis";
import { SHOP_LOCK } from "~/jobs/definitions";

// The holder is the job id, stable across attempts: the retry of a job whose worker was killed takes
// its own stale lock back at once instead of waiting for it to expire.
const ACQUIRE = `local v = redis.call("GET", KEYS[1])
if v == false or v == ARGV[1] then redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return 1 end
return 0`;
const RENEW = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`;

export interface ShopLock {
  release(): Promise<void>;
}

export function shopLockKey(prefix: string, shop: string): string {
  return `${prefix}:shop-lock:${shop}`;
}

/** Takes the shop's full-recompute lock for `holder`, renewed until released; null when another job holds it. */
export async function acquireShopLock(redis: Redis, { prefix, shop, holder }: { prefix: string; shop: string; holder: string }): Promise<ShopLock | null> {
  const key = shopLockKey(prefix, shop);
  const acquired = await redis.eval(ACQUIRE, 1, key, holder, SHOP_LOCK.ttlMs);
  if (acquired !== 1) return null;
  const renewal = setInterval(() => {
    redis.eval(RENEW, 1, key, holder, SHOP_LOCK.ttlMs).catch(() => {});
  }, SHOP_LOCK.renewMs);
  renewal.unref();
  return {
    async release() {
      clearInterval(renewal);
      await redis.eval(RELEASE, 1, key, holder);
    },
  };
}
