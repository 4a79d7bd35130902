/**
 * A tolerant well-formedness check for the renderer's specs: every non-void element closed in order.
 * Script and style contents, comments and the doctype are skipped; quoted attribute values may hold ">".
 */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g;

/** Null when balanced; otherwise what went wrong. `xml`: no void elements, "/>" closes. */
export function unbalancedTag(markup: string, xml = false): string | null {
  const text = markup
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!doctype[^>]*>|<\?xml[^>]*\?>/gi, '')
    .replace(/<(script|style)\b([^>]*)>[\s\S]*?<\/\1>/gi, '');
  const stack: string[] = [];
  for (const m of text.matchAll(TAG)) {
    const [, closing, rawName = '', , selfClosing] = m;
    const name = xml ? rawName : rawName.toLowerCase();
    if (closing) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? 'nothing'}> at ${m.index}`;
    } else if (!(selfClosing || (!xml && VOID.has(name)))) {
      stack.push(name);
    }
  }
  const leftover = text.replace(TAG, '');
  if (/<[a-zA-Z/!?]/.test(leftover)) return `stray markup: ${leftover.slice(leftover.search(/<[a-zA-Z/!?]/), 60)}`;
  return stack.length ? `unclosed <${stack.join('>, <')}>` : null;
}
