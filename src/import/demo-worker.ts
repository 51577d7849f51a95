/** Worker thread: writes one slice of the demo's event files and reports them to the parent (load-demo.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { writeEventFiles, type EventFilesTask } from './demo-event-files.ts';

const port = parentPort!;
const result = await writeEventFiles(
  workerData as EventFilesTask,
  (path) => port.postMessage({ kind: 'file', path }),
  (done) => port.postMessage({ kind: 'progress', done }),
);
port.postMessage({ kind: 'done', result });
