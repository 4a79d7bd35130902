/** "1 article", "1,234 articles": a count with its noun, for messages the API writes (en-US digits). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
