/** A project's call-tracking settings (webhook secret and signature header), a small document. */
import { getDocument, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';

export interface CallTrackingSettings {
  secret: string;
  /** Header carrying the signature, default "signature". */
  header: string;
}

const KIND = 'call_tracking';
export const DEFAULT_SIGNATURE_HEADER = 'signature';

export async function getCallTrackingSettings(store: Store, projectId: string): Promise<CallTrackingSettings | undefined> {
  return getDocument<CallTrackingSettings>(store, KIND, projectId, 'callrail');
}

export async function setCallTrackingSettings(
  store: Store,
  projectId: string,
  settings: { secret: string; header?: string },
): Promise<CallTrackingSettings> {
  const value = { secret: settings.secret, header: (settings.header ?? DEFAULT_SIGNATURE_HEADER).toLowerCase() };
  await putDocument(store, KIND, projectId, 'callrail', value);
  return value;
}
