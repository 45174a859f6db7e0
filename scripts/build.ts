/**
 * `npm run build`: the production client (minified, hashed, precompressed, budget-checked) into
 * dist/public and the bundled server into dist/server. Exits non-zero when over the byte budget.
 */
import { relative } from 'node:path';
import { buildClient, DEFAULT_BUDGET } from './build-client.js';
import { buildServer } from './build-server.js';

try {
  const [{ outDir, manifest }, server] = await Promise.all([buildClient({ minify: true }), buildServer()]);
  const j = manifest.joinScreen;
  console.log(
    `built ${relative(process.cwd(), outDir)} (version ${manifest.version}): JS ${j.jsBrotli} B brotli (budget ${DEFAULT_BUDGET.jsBrotli}), ` +
      `join screen ${j.wireBytes} B on the wire (budget ${DEFAULT_BUDGET.joinScreenWire})`,
  );
  console.log(`built ${relative(process.cwd(), server)}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
