/**
 * One node-redis connection, typed once for the whole cluster layer. Control traffic only: the
 * 20 Hz state path never touches Redis. `reconnect: false` is for tests and tools that must fail
 * at once when Redis is missing; a node keeps retrying with a capped backoff instead (commands
 * wait meanwhile, which is why the lease keeper has its own guard timer).
 */
import { createClient } from 'redis';

export function newRedisClient(url: string, onError: (err: Error) => void, reconnect = true) {
  const client = createClient({
    url,
    socket: {
      connectTimeout: 3000,
      reconnectStrategy: reconnect ? (retries: number) => Math.min(50 * 2 ** retries, 1000) : false,
    },
  });
  // node-redis reports every lost connection as an 'error' event; unheard, it ends the process.
  client.on('error', onError);
  return client;
}

export type RedisConnection = ReturnType<typeof newRedisClient>;
