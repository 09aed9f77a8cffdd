// Subscribes to the clinic API's stream as a browser's graphql-sse client does in its distinct
// connections mode: one POST per subscription, answered with text/event-stream, read event by event.
export interface SseSubscription<T> {
  /** The HTTP status of the answer (200 once the subscription is live). */
  status: number;
  /** The answer's body when it was refused before any stream started. */
  refusal: unknown;
  /** Every `next` event's data received so far. */
  received: T[];
  /** Resolves with the first received event that passes `check` (already received, or to come). */
  waitFor(check: (event: T) => boolean): Promise<T>;
  /** Resolves when the server has ended the stream (or it was closed here). */
  ended: Promise<void>;
  close(): void;
}

export async function subscribeOverSse<T>(url: string, key: string, query: string): Promise<SseSubscription<T>> {
  const abort = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
    signal: abort.signal,
  });
  const received: T[] = [];
  let markEnded!: () => void;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  const waiters: { check: (e: T) => boolean; resolve: (e: T) => void }[] = [];
  const subscription: SseSubscription<T> = {
    status: res.status,
    refusal: undefined,
    received,
    waitFor: (check) =>
      new Promise((resolve) => {
        const seen = received.find(check);
        if (seen) resolve(seen);
        else waiters.push({ check, resolve });
      }),
    ended,
    close: () => abort.abort(),
  };
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    subscription.refusal = await res.json();
    markEnded();
    return subscription;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of res.body!) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const lines = buffered.slice(0, end).split('\n');
          buffered = buffered.slice(end + 2);
          if (!lines.includes('event: next')) continue;
          const data = JSON.parse(lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n')) as T;
          received.push(data);
          for (const w of waiters.filter((x) => x.check(data))) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(data);
          }
        }
      }
    } catch {
      // Closed by the server mid-stream (or here): ended either way.
    } finally {
      markEnded();
    }
  })();
  return subscription;
}
