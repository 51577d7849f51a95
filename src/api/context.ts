import type { Config } from '../config/config.ts';
import type { Loader } from '../ingestion/loader.ts';
import type { Spool } from '../ingestion/spool.ts';
import type { ProjectDirectory } from '../projects/projects.ts';
import type { Store } from '../store/store.ts';
import type { ProjectResolver } from './auth.ts';

/** What route modules get: the running server's parts. */
export interface AppContext {
  config: Config;
  store: Store;
  spool: Spool;
  loader: Loader;
  projects: ProjectDirectory;
  /** Ways besides a secret key to find a request's project (the dashboard's session cookie); per server, not per process. */
  projectResolvers: ProjectResolver[];
}
