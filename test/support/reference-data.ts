/**
 * Public reference datasets with published results (CDNOW, ChannelAttribution's example paths),
 * vendored in test/fixtures/reference/ (sources and licences in its README) so that a clone tests itself.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REFERENCE_DIR = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

export function referenceFile(name: string): string {
  return join(REFERENCE_DIR, name);
}
