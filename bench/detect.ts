/**
 * `detect` throughput, --engine js on one thread and in worker threads, and --engine duckdb, on generated NDJSON CloudTrail files (20 MB and
 * 450 MB; 2 GB with BENCH_DETECT_2GB=1) against two baselines in the same run: a loop that only reads
 * and JSON.parses the lines (the floor; issue 15's goal: the whole catalog at >= 2x its events/s), and
 * jq running an equivalent filter for one rule (jq is installed from Debian if missing). Reports peak
 * RSS, which must stay under 1 GB and flat whatever the input size.
 */
import { execSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { PARALLEL_MIN_BYTES, workersFor } from '../core/detection/engines/detect-engine.ts';

interface Run {
  events: number;
  matched?: number;
  ms: number;
  maxRssMb: number;
}

/** Corpus CloudTrail events, varied per copy so nothing is trivially repeated. */
async function generate(path: string, megabytes: number): Promise<void> {
  const dir = fileURLToPath(new URL('../test/fixtures/corpus/aws', import.meta.url));
  const files = [
    'aws_cli_calls.json',
    'cloudshell_exec_env.json',
    'console_login.json',
    'root_usage.json',
    'service_originated_and_sdk_benign.json',
    'trail_tampering.json',
  ];
  const events = files.flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>[]);
  const out = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < megabytes * 1048576; i++) {
    const event = { ...events[i % events.length]!, eventID: `bench-${i}`, sourceIPAddress: `${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}` };
    const line = `${JSON.stringify(event)}\n`;
    written += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** One measured child process; undefined when it did not finish within `timeoutMs`. */
function child(mode: 'floor' | 'detect', file: string, engine: 'js' | 'duckdb' = 'js', timeoutMs = 1_800_000, workers?: number): Run | undefined {
  const args = ['--import', 'tsx', 'bench/detect-child.ts', mode, file, engine, ...(workers === undefined ? [] : [String(workers)])];
  const result = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    timeout: timeoutMs,
  });
  if (result.signal) return undefined;
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Run;
}

function ensureJq(): boolean {
  if (spawnSync('jq', ['--version']).status === 0) return true;
  try {
    execSync('apt-get update -qq && apt-get install -y -qq jq', { stdio: 'ignore' });
  } catch {
    return false;
  }
  return spawnSync('jq', ['--version']).status === 0;
}

/** jq equivalent of the catalog's trail-tampering logic (eventSource, eventName, no errorCode). */
const JQ_FILTER =
  'select(.eventSource == "cloudtrail.amazonaws.com" and (.eventName | IN("StopLogging","DeleteTrail","UpdateTrail","PutEventSelectors")) and (.errorCode == null)) | .eventID';

/** The sizes measured: BENCH_DETECT_SIZES (MB, comma-separated; default 20,450), plus 2 GB with BENCH_DETECT_2GB=1 (slow). */
function sizes(): number[] {
  const listed = (process.env['BENCH_DETECT_SIZES'] ?? process.env['BENCH_DETECT_MB'] ?? '20,450').split(',').map(Number);
  return process.env['BENCH_DETECT_2GB'] === '1' ? [...listed, 2048] : listed;
}

const rate = (r: Run) => r.events / (r.ms / 1000);

const REPORT = 'bench/detect-engines.md';
/** Where the generated part of the report ends and the hand-written notes begin. */
const NOTES_MARK = '<!-- notes: kept by bench/detect.ts -->';

/**
 * Per size, in one run: the floor, detect --engine js, detect --engine duckdb (each in its own process,
 * for its peak RSS) and jq running one rule; events/s as ratios to the floor. Writes bench/detect-engines.md.
 */
export async function benchDetect(): Promise<string[]> {
  const timeoutMs = Number(process.env['BENCH_DETECT_TIMEOUT_S'] ?? 1800) * 1000;
  const load = loadavg()[0] ?? 0;
  const jq = ensureJq();
  const lines: string[] = [];
  // What --workers picks from 32 MB of input on (detect-engine.ts), measured at every size.
  const workers = workersFor({ inputBytes: PARALLEL_MIN_BYTES });
  const table = [
    `| Input | Events | Floor (read + JSON.parse) | detect --engine js --workers 1 | detect --engine js --workers ${workers} | detect --engine duckdb | jq, one rule |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const megabytes of sizes()) {
    const file = join(tmpdir(), `guardrails-bench-${megabytes}mb.ndjson`);
    if (!existsSync(file) || statSync(file).size < megabytes * 1048576) await generate(file, megabytes);
    const floor = child('floor', file)!;
    const js = child('detect', file, 'js', timeoutMs, 1);
    const parallel = child('detect', file, 'js', timeoutMs, workers);
    const duckdb = child('detect', file, 'duckdb', timeoutMs);
    const cell = (r: Run | undefined) =>
      r
        ? `${rate(r).toFixed(0)} events/s (${(rate(r) / rate(floor)).toFixed(2)}x floor), ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB`
        : `did not finish in ${timeoutMs / 1000} s`;
    let jqCell = 'jq not available (apt-get failed): skipped';
    if (jq) {
      const start = performance.now();
      const result = spawnSync('sh', ['-c', `jq -c '${JQ_FILTER}' '${file}' | wc -l`], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const ms = performance.now() - start;
      const jqRate = floor.events / (ms / 1000);
      jqCell = `${jqRate.toFixed(0)} events/s (${(jqRate / rate(floor)).toFixed(2)}x floor), ${result.stdout.trim()} matches`;
    }
    for (const [name, other] of [
      [`js --workers ${workers}`, parallel],
      ['duckdb', duckdb],
    ] as const) {
      if (js && other && js.matched !== other.matched) throw new Error(`detect ${megabytes} MB: js found ${js.matched} matches, ${name} ${other.matched}`);
    }
    table.push(
      `| ${megabytes} MB NDJSON | ${floor.events} | ${rate(floor).toFixed(0)} events/s, peak RSS ${floor.maxRssMb.toFixed(0)} MB | ${cell(js)} | ${cell(parallel)} | ${cell(duckdb)} | ${jqCell} |`,
    );
    lines.push(
      `detect ${megabytes} MB (${floor.events} events): floor ${rate(floor).toFixed(0)} events/s; js ${cell(js)}; js --workers ${workers} ${cell(parallel)}; duckdb ${cell(duckdb)}; jq ${jqCell}`,
    );
  }
  // The notes under NOTES_MARK (measurements by hand, earlier runs) are kept as they are.
  const previous = existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : '';
  const notes = previous.includes(NOTES_MARK) ? previous.slice(previous.indexOf(NOTES_MARK)) : '';
  writeFileSync(
    REPORT,
    [
      '# guardrails detect: the js engine (one thread and worker threads) and the duckdb engine against the read + parse floor',
      '',
      `Generated by \`npm run bench -- detect\` (bench/detect.ts) on ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores,`,
      'on generated NDJSON CloudTrail (corpus events, each copy with its own eventID and source IP), the whole',
      'catalog of guardrails.example.yaml. Each run is its own process; peak RSS is its maxRSS (DuckDB included).',
      `Load average (1 min) when the run began: ${load.toFixed(1)}; on a shared machine the figures are indicative, the ratios (same run) less noisy.`,
      '',
      ...table,
      '',
      ...(notes ? [notes.trimEnd(), ''] : []),
    ].join('\n'),
  );
  return lines;
}
