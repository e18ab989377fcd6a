/**
 * One measured run for the detect benchmark, in its own process so peak RSS is its own:
 *   floor  <file>: read lines and JSON.parse them (the fastest any detector could be)
 *   detect <file> [js|duckdb] [workers]: the full `guardrails detect` path over the catalog with that engine
 *     (default js) and, for js, that many worker threads (default: detect's own choice), matches discarded
 * Prints {"events", "matched", "ms", "maxRssMb"} on stdout; maxRssMb includes DuckDB's native memory.
 */
import { Writable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { runDetect } from '../core/cli/detect.ts';
import { loadConfigFile } from '../core/config/load.ts';
import { loadCatalog } from '../core/detection/catalog.ts';

const [mode, file, engine = 'js', workers] = process.argv.slice(2);
if (!file || (mode !== 'floor' && mode !== 'detect') || (engine !== 'js' && engine !== 'duckdb') || (workers !== undefined && !/^[1-9]$/.test(workers)))
  throw new Error('usage: detect-child.ts floor|detect FILE [js|duckdb] [WORKERS]');
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
const start = performance.now();
let events = 0;
let matched = 0;
if (mode === 'floor') {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    JSON.parse(line);
    events++;
  }
} else {
  const rules = loadCatalog(loadConfigFile('guardrails.example.yaml'));
  const summary = await runDetect({
    paths: [file],
    rules,
    format: 'ndjson',
    out: sink,
    err: sink,
    engine,
    workers: workers === undefined ? undefined : Number(workers),
  });
  events = summary.events;
  matched = summary.matched;
}
const ms = performance.now() - start;
console.log(JSON.stringify({ events, matched, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
