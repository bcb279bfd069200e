// The public API through the gateway, with the signed-in key as a bearer token. The key lives in sessionStorage
// only (gone when the tab closes), never in a URL, a cookie, localStorage or a log line.
const keyName = 'ministudio.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(keyName); },
  signIn(key) { sessionStorage.setItem(keyName, key); },
  signOut() { sessionStorage.removeItem(keyName); },
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `The request failed (HTTP ${status}).`);
    this.status = status;
    this.title = this.message;
    this.code = problem?.code;
    this.detail = problem?.detail;
    this.errors = problem?.errors ?? [];
    this.lines = problem?.lines ?? [];
  }
}

export async function call(path, { method = 'GET', json, body, headers = {}, key = session.key, signal } = {}) {
  const request = new Headers(headers);
  if (key) request.set('Authorization', `Bearer ${key}`);
  if (json !== undefined) {
    request.set('Content-Type', 'application/json');
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, { method, headers: request, body, signal, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, { title: 'The platform cannot be reached.', detail: error.message });
  }
  if (response.ok) return response;
  let problem = null;
  try { problem = await response.json(); } catch { /* not JSON: keep the status */ }
  const error = new ApiError(response.status, problem);
  if (response.status === 401 && key === session.key) window.dispatchEvent(new CustomEvent('studio:unauthorized', { detail: error }));
  throw error;
}

export async function getJson(path, options) {
  const response = await call(path, options);
  return response.status === 204 ? null : response.json();
}

export const postJson = (path, json, options = {}) => getJson(path, { ...options, method: 'POST', json });

/** A tenant artifact (image, film, results file) as a blob: media elements cannot send a bearer header themselves. */
export async function blobOf(path, options) {
  return (await call(path, options)).blob();
}

/**
 * Server-sent events read with fetch(), because EventSource cannot send the Authorization header. Yields
 * {event, data} for each event until the server ends the stream or the signal aborts.
 */
export async function* serverSentEvents(path, { signal } = {}) {
  const response = await call(path, { headers: { Accept: 'text/event-stream' }, signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replaceAll('\r\n', '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.releaseLock();
  }
}
