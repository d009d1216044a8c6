// Worker threads start without the TypeScript loader of their parent; register it, then load the
// real entry point named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
