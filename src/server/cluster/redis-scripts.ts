/**
 * The cluster's atomic Redis operations: one Lua script per file under lua/, named
 * `<operation>-<number of keys>.lua`, each opening with a header listing its KEYS, ARGV and
 * output. What several scripts share lives in lua/includes/ and is pulled in by a line
 * `--- @include "name"` (as BullMQ does), so a rule such as the fencing check is written once.
 * Scripts run by EVALSHA; a Redis that has forgotten them (restarted, SCRIPT FLUSH) answers
 * NOSCRIPT and gets the source once by EVAL, which caches it again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface LoadedScript {
  readonly source: string;
  readonly sha1: string;
  readonly keyCount: number;
}

/** The one Redis call the scripts need; a node-redis client has it. */
export interface RedisCommandSender {
  sendCommand(args: string[]): Promise<unknown>;
}

const LUA_DIR = fileURLToPath(new URL('./lua/', import.meta.url));

/** The script with each `--- @include "name"` line replaced by lua/includes/name.lua. */
function withIncludes(source: string, file: string): string {
  return source.replace(/^--- @include "([a-z-]+)"$/gm, (_line, name: string) => {
    try {
      return readFileSync(`${LUA_DIR}includes/${name}.lua`, 'utf8').trimEnd();
    } catch {
      throw new Error(`${file} includes "${name}", but there is no lua/includes/${name}.lua`);
    }
  });
}

function loadScripts(): Map<string, LoadedScript> {
  const scripts = new Map<string, LoadedScript>();
  for (const file of readdirSync(LUA_DIR)) {
    const m = /^([a-z-]+)-(\d+)\.lua$/.exec(file);
    if (!m) continue;
    const source = withIncludes(readFileSync(LUA_DIR + file, 'utf8'), file);
    scripts.set(m[1]!, { source, sha1: createHash('sha1').update(source).digest('hex'), keyCount: Number(m[2]) });
  }
  return scripts;
}

let cache: Map<string, LoadedScript> | null = null;

export class RedisScripts {
  private readonly scripts = cache ?? (cache = loadScripts());
  /** Redis commands sent through here, for metrics and the commands-per-second budget. */
  commandsSent = 0;

  constructor(private readonly redis: RedisCommandSender) {}

  async run(name: string, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    const script = this.scripts.get(name);
    if (!script) throw new Error(`no Lua script named ${name} in ${LUA_DIR}`);
    if (keys.length !== script.keyCount) throw new Error(`script ${name} takes ${script.keyCount} keys, got ${keys.length}`);
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    this.commandsSent++;
    try {
      return await this.redis.sendCommand(['EVALSHA', script.sha1, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      this.commandsSent++;
      return this.redis.sendCommand(['EVAL', script.source, ...tail]);
    }
  }
}
