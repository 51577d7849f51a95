// Entry of the MMM's sampler threads: a worker does not run the TypeScript loader of the thread
// that started it, so it registers its own before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./chain-worker.ts');
