/**
 * Reads the `sections` of a generate_content reply while it streams in: each time a complete
 * `{"h2": …, "html": …}` object of the `sections` array has arrived, it is handed out, so the
 * article appears in the shared draft section by section instead of all at once at the end.
 * Only whole objects are parsed (braces counted outside strings); the full reply is still
 * validated against the contract when it is complete.
 *
 * A reply that starts as a Markdown document (`# Title`, `## Section`) is read the way the final
 * parse reads one (core/ai/article-body.ts textArticle): each section is handed out once the next
 * `## ` heading has arrived; the last one comes with the final parse.
 */
export interface StreamedSection {
  index: number;
  h2: string;
  html: string;
}

export class SectionStream {
  private text = '';
  private arrayStart = -1;
  private scanFrom = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private objectStart = -1;
  private emitted = 0;
  private mode: 'unknown' | 'json' | 'document' = 'unknown';
  private doc = { lineStart: 0, inFence: false, sawTitle: false, h2: '', body: [] as string[], started: false };

  /** Feeds more of the reply; returns the sections completed by this chunk. */
  push(chunk: string): StreamedSection[] {
    this.text += chunk;
    if (this.mode === 'unknown') {
      const start = this.text.replace(/^[\uFEFF\u200B-\u200D\u2060\s]+/, '');
      if (!start) return [];
      this.mode = start.startsWith('#') ? 'document' : 'json';
    }
    if (this.mode === 'document') return this.pushDocument();
    const out: StreamedSection[] = [];
    if (this.arrayStart < 0) {
      const key = this.text.search(/"sections"\s*:\s*\[/);
      if (key < 0) return out;
      this.arrayStart = this.text.indexOf('[', key) + 1;
      this.scanFrom = this.arrayStart;
    }
    for (let i = this.scanFrom; i < this.text.length; i++) {
      const ch = this.text[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') this.inString = true;
      else if (ch === '{') {
        if (this.depth === 0) this.objectStart = i;
        this.depth++;
      } else if (ch === '}') {
        this.depth--;
        if (this.depth === 0 && this.objectStart >= 0) {
          const section = this.read(this.text.slice(this.objectStart, i + 1));
          if (section) out.push(section);
          this.objectStart = -1;
        }
      } else if (ch === ']' && this.depth === 0) {
        this.scanFrom = this.text.length; // the array ended: nothing more to read
        this.arrayStart = Number.MAX_SAFE_INTEGER;
        return out;
      }
    }
    this.scanFrom = this.text.length;
    return out;
  }

  /** Markdown: complete lines only; a `## ` line closes the section before it. */
  private pushDocument(): StreamedSection[] {
    const out: StreamedSection[] = [];
    const d = this.doc;
    for (let nl = this.text.indexOf('\n', d.lineStart); nl >= 0; nl = this.text.indexOf('\n', d.lineStart)) {
      const line = this.text.slice(d.lineStart, nl).replace(/\r$/, '');
      d.lineStart = nl + 1;
      if (/^\s*(`{3,}|~{3,})/.test(line)) d.inFence = !d.inFence;
      const h1 = !d.inFence && /^\s*#\s+(.*?)\s*#*\s*$/.exec(line);
      if (h1 && !d.sawTitle && !d.started && !d.body.some((l) => l.trim())) {
        d.sawTitle = true; // the title, not a section (textArticle reads it the same way)
        continue;
      }
      const h2 = !d.inFence && /^\s*##\s+(.*?)\s*#*\s*$/.exec(line);
      if (h2) {
        // The lead before the first H2 only when it has text (textArticle drops an empty one).
        if (d.started || d.body.some((l) => l.trim()))
          out.push({ index: this.emitted++, h2: d.h2, html: d.body.join('\n') });
        d.h2 = h2[1]!;
        d.body = [];
        d.started = true;
        continue;
      }
      d.body.push(line);
    }
    return out;
  }

  private read(json: string): StreamedSection | null {
    try {
      const value = JSON.parse(json) as Record<string, unknown>;
      // The same names the final parse accepts (normalize-reply): a section is read one way.
      const h2 = value.h2 ?? value.heading ?? value.title;
      const html = value.html ?? value.content ?? value.body;
      if (typeof h2 !== 'string' || typeof html !== 'string') return null;
      return { index: this.emitted++, h2, html };
    } catch {
      return null; // a malformed section: the final validation decides about the reply
    }
  }
}
