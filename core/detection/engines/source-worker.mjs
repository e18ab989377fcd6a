// Starts a worker of the parallel js engine from the TypeScript sources (tests, `node --import tsx`): a
// worker thread does not inherit tsx's loader, so this registers it, then imports the worker module named in
// workerData.entry. Not built or shipped: from dist/, parallel-engine.js starts evaluation-worker.js itself.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
