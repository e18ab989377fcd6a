/**
 * A worker thread of the parallel js engine (parallel-engine.ts): evaluates each job it is sent
 * (job-evaluation.ts) and replies, under the job's id, with what it found or the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { jobEvaluator, type Job, type Reply, type WorkerSetup } from './job-evaluation.ts';

const run = jobEvaluator(workerData as WorkerSetup);
const port = parentPort;
if (!port) throw new Error('evaluation-worker.ts runs as a worker thread (parallel-engine.ts)');
port.on('message', (job: Job) => {
  run(job).then(
    (result) => port.postMessage({ id: job.id, result } satisfies Reply),
    (error: unknown) => port.postMessage({ id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
  );
});
