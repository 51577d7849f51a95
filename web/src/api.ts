/** The dashboard's API client: JSON over fetch with the session cookie and the chosen project. */
import type { Project } from '../../src/projects/projects.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  /** The server has no such route yet (an analysis not installed or not built). */
  get missingRoute(): boolean {
    return this.status === 404 && /^no route /.test(this.message);
  }
}

let projectId = '';
let shareToken = '';
let onUnauthorized: () => void = () => {};

export function setProject(id: string): void {
  projectId = id;
}
export function currentProject(): string {
  return projectId;
}
/** A read-only shared link's token: sent with every request instead of a session (the server scopes it to one view). */
export function setShareToken(token: string): void {
  shareToken = token;
}
export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = {};
  if (projectId) headers['x-waymark-project'] = projectId;
  if (shareToken) headers['x-waymark-share'] = shareToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    // A shared link reads as the link alone: a signed-in user's cookie would pick their own project instead.
    credentials: shareToken ? 'omit' : 'same-origin',
    signal,
  });
  const text = await r.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { error: text };
  }
  if (!r.ok) {
    if (r.status === 401 && !path.startsWith('/api/v1/auth/login')) onUnauthorized();
    throw new ApiError(r.status, (data as { error?: string })?.error ?? r.statusText);
  }
  return data as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, undefined, signal);
export const post = <T>(path: string, body: unknown, signal?: AbortSignal) => api<T>('POST', path, body, signal);

/** Uploads a file with progress (fetch has no upload progress). */
export function upload(path: string, file: Blob | string, contentType: string, onProgress: (fraction: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('content-type', contentType);
    if (projectId) xhr.setRequestHeader('x-waymark-project', projectId);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let data: unknown;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = { error: xhr.responseText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, (data as { error?: string }).error ?? xhr.statusText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network error'));
    xhr.send(file);
  });
}

// Declared here rather than imported: src/auth/users.ts pulls in the argon2 binding, whose
// ambient const enums do not type-check under the dashboard's isolatedModules.
export interface User {
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'member' | 'viewer';
}
/** What GET /api/v1/projects lists: a project without its secret key hash. */
export type ProjectSummary = Omit<Project, 'secretKeyHash'>;
