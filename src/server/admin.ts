/**
 * Operator commands on the profile database, for a running or a stopped server (SQLite in WAL
 * mode takes a second connection):
 *
 *   npm run admin -- free-name NAME [--db PATH]         delete the profile holding NAME (or a
 *                                                       look-alike of it): the name is free
 *   npm run admin -- expire-profiles DAYS [--db PATH]   delete profiles unused for DAYS days now
 *
 * A player who is online when their profile is freed keeps playing until they leave; after that
 * the name is anyone's.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from './config.js';
import { nameKey } from './game/name-key.js';
import { expireProfiles, rekeyProfiles } from './game/profile-upkeep.js';
import { createLogger } from './logger.js';
import { openSqliteStorage } from './store/sqlite-store.js';

const USAGE = `Usage: npm run admin -- free-name NAME [--db PATH]
       npm run admin -- expire-profiles DAYS [--db PATH]
  (the database defaults to TETHER_DB or ${DEFAULT_CONFIG.dbPath})
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2), options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  const [command, arg] = positionals;
  if (values.help || !command || arg === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const path = values.db ?? process.env['TETHER_DB'] ?? DEFAULT_CONFIG.dbPath;
  const storage = openSqliteStorage({ path, chatHistoryLimit: DEFAULT_CONFIG.chatHistoryLimit });
  const logger = createLogger('warn');
  try {
    // Keys of an older version would not match the key of the name typed here.
    await rekeyProfiles(storage.profiles, logger);
    if (command === 'free-name') {
      const freed = await storage.profiles.deleteByNameKey(nameKey(arg.normalize('NFC').trim()));
      if (!freed) {
        process.stderr.write(`tether admin: no profile holds the name "${arg}" or a look-alike of it\n`);
        return 1;
      }
      process.stdout.write(`freed "${freed.name}" (profile ${freed.id})\n`);
      return 0;
    }
    if (command === 'expire-profiles') {
      const days = Number(arg);
      if (!Number.isInteger(days) || days < 1) {
        process.stderr.write(`tether admin: DAYS must be a whole number of at least 1, got "${arg}"\n`);
        return 2;
      }
      const deleted = await expireProfiles(storage.profiles, days, new Set(), Date.now(), logger);
      process.stdout.write(`deleted ${deleted} profile(s) unused for ${days} days\n`);
      return 0;
    }
    process.stderr.write(`tether admin: unknown command "${command}"\n${USAGE}`);
    return 2;
  } finally {
    await storage.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`tether admin: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
