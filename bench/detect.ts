/**
 * `detect` throughput on a generated NDJSON CloudTrail file (BENCH_DETECT_MB, default 500) against two
 * baselines in the same run: a loop that only reads and JSON.parses the lines (the floor; goal: detect
 * reaches >= 0.5 of its events/s), and jq running an equivalent filter for one rule (jq is installed
 * from Debian if missing). Reports peak RSS, which must stay flat whatever the input size.
 */
import { execSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

interface Run {
  events: number;
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

function child(mode: 'floor' | 'detect', file: string): Run {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/detect-child.ts', mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
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

export async function benchDetect(megabytes = Number(process.env['BENCH_DETECT_MB'] ?? 500)): Promise<string[]> {
  const file = join(tmpdir(), `guardrails-bench-${megabytes}mb.ndjson`);
  if (!existsSync(file) || statSync(file).size < megabytes * 1048576) await generate(file, megabytes);
  const floor = child('floor', file);
  const detect = child('detect', file);
  const rate = (r: Run) => r.events / (r.ms / 1000);
  const lines = [
    `detect: ${detect.events} events (${megabytes} MB NDJSON) in ${(detect.ms / 1000).toFixed(1)} s = ${rate(detect).toFixed(0)} events/s, peak RSS ${detect.maxRssMb.toFixed(0)} MB`,
    `floor (read + JSON.parse only): ${rate(floor).toFixed(0)} events/s, peak RSS ${floor.maxRssMb.toFixed(0)} MB -> detect/floor ratio ${(rate(detect) / rate(floor)).toFixed(2)} (goal >= 0.5)`,
  ];
  if (ensureJq()) {
    const start = performance.now();
    const jq = spawnSync('sh', ['-c', `jq -c '${JQ_FILTER}' '${file}' | wc -l`], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const ms = performance.now() - start;
    lines.push(
      `jq, one rule: ${(detect.events / (ms / 1000)).toFixed(0)} events/s (${jq.stdout.trim()} matches) -> detect (whole catalog)/jq (one rule) ratio ${(rate(detect) / (detect.events / (ms / 1000))).toFixed(2)}`,
    );
  } else {
    lines.push('jq: not available (apt-get failed); skipped');
  }
  return lines;
}
