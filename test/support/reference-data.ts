/**
 * Public reference datasets with published results (CDNOW, ChannelAttribution's example paths).
 * They live in `shared/data/reference/` beside the repository; WAYMARK_REFERENCE_DATA overrides.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REFERENCE_DIR = process.env.WAYMARK_REFERENCE_DATA ?? fileURLToPath(new URL('../../../shared/data/reference/', import.meta.url));

export function referenceFile(name: string): string {
  return join(REFERENCE_DIR, name);
}
