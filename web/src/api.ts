/**
 * The dashboard's API client. Every call goes to /api/v1 on the same origin with the session
 * cookie; state-changing calls carry the session's CSRF token. A 401 on any call but login
 * sends the user back to the login page.
 */

import type { Role } from '../../src/services/auth/roles';

// The server's own definition: roles.ts imports nothing, and a type-only import leaves no code in the bundle.
export type { Role };

export interface Me {
  id: string;
  name: string;
  role: Role;
  displayName: string | null;
  locale: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const BASE = '/api/v1';
let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called once by the app shell: what to do when the session has ended. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON body (objects are encoded); a Blob/File is sent raw (upload routes). */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** Leave 401 to the caller instead of returning to the login page (the login form). */
  handle401?: boolean;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null) search.set(key, String(value));
  const qs = search.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ''}`;
}

export async function api<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof Blob) {
    body = options.body;
    headers['content-type'] = options.body.type || 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(apiUrl(path, options.query), { method, headers, body, credentials: 'same-origin', signal: options.signal });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const error = (data ?? {}) as { error?: string; message?: string; hint?: string };
    if (response.status === 401 && !options.handle401) {
      setCsrfToken(null);
      unauthorizedHandler?.();
    }
    throw new ApiError(response.status, error.error ?? `http.${response.status}`, error.message ?? response.statusText, error.hint);
  }
  return data as T;
}

export const apiGet = <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) => api<T>(path, { query, signal });
export const apiPost = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body: body ?? {} });
export const apiPatch = <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body });
export const apiPut = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
export const apiDelete = <T>(path: string) => api<T>(path, { method: 'DELETE' });

/** Live updates from a server-sent-events route; returns a function that closes the stream. */
export function subscribe(path: string, handlers: Record<string, (data: unknown) => void>, onError?: () => void): () => void {
  const source = new EventSource(apiUrl(path));
  for (const [event, handle] of Object.entries(handlers)) {
    source.addEventListener(event, (message) => handle(JSON.parse((message as MessageEvent<string>).data)));
  }
  if (onError) source.onerror = onError;
  return () => source.close();
}

export interface Session {
  user: Me;
  csrfToken: string | null;
}

export async function fetchMe(): Promise<Session | null> {
  try {
    const me = await api<Session>('/auth/me', { handle401: true });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function login(name: string, password: string): Promise<Session> {
  const session = await api<Session>('/auth/login', { method: 'POST', body: { name, password }, handle401: true });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logout(): Promise<void> {
  try {
    await api('/auth/logout', { method: 'POST', handle401: true });
  } finally {
    setCsrfToken(null);
  }
}
