/**
 * The last chat requests each API key sent (model and messages), so tests can show the prompt the
 * model received: `GET /__dev/requests?key=<api key>&limit=N`, newest last. A ring buffer per key
 * (memory stays bounded however long the server runs); /__dev/reset clears it.
 */
export const REQUESTS_PER_KEY = 50;
const MAX_KEYS = 200;

export interface LoggedRequest {
  at: number;
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  // Content parts (the OpenAI array form): keep their text.
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : '',
      )
      .join('');
  }
  return '';
}

export class RequestLog {
  private readonly byKey = new Map<string, LoggedRequest[]>();
  private readonly perKey: number;

  // A plain parameter, not a parameter property: Node runs this file by stripping types only.
  constructor(perKey = REQUESTS_PER_KEY) {
    this.perKey = perKey;
  }

  record(key: string, body: Record<string, unknown>) {
    let list = this.byKey.get(key);
    if (!list) {
      // Forget the key seen longest ago first (Map keeps insertion order; a write re-inserts).
      if (this.byKey.size >= MAX_KEYS) this.byKey.delete(this.byKey.keys().next().value!);
      list = [];
    } else {
      this.byKey.delete(key);
    }
    this.byKey.set(key, list);
    const messages = Array.isArray(body.messages) ? body.messages : [];
    list.push({
      at: Date.now(),
      model: typeof body.model === 'string' ? body.model : '',
      stream: body.stream === true,
      messages: messages.map((m) => {
        const o = (m && typeof m === 'object' ? m : {}) as Record<string, unknown>;
        return { role: typeof o.role === 'string' ? o.role : '', content: textOf(o.content) };
      }),
    });
    if (list.length > this.perKey) list.splice(0, list.length - this.perKey);
  }

  /** The key's last `limit` requests, oldest first. */
  last(key: string, limit = this.perKey): LoggedRequest[] {
    const list = this.byKey.get(key) ?? [];
    return list.slice(Math.max(0, list.length - Math.max(1, limit)));
  }

  clear() {
    this.byKey.clear();
  }
}
