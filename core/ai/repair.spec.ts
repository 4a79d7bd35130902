import { describe, expect, it } from 'vitest';
import { repairJson } from './repair';

/** The engine's entry (`repairJson(reply.content)` today, `repairJson(reply)` with the whole ChatResult). */
describe('repairJson', () => {
  const value = { ideas: [{ title: 'A', estimated_word_count: 1200 }] };
  const chatResult = (content: string, over: Record<string, unknown> = {}) => ({
    content,
    model: 'm',
    tokensIn: 10,
    tokensOut: 2048,
    finishReason: 'stop',
    refusal: null,
    ...over,
  });

  it('reads the text the engine passes', () => {
    expect(repairJson('```json\n' + JSON.stringify(value) + '\n```')).toMatchObject({ ok: true, value });
  });

  it('reads a whole ChatResult', () => {
    expect(repairJson(chatResult(JSON.stringify(value)))).toMatchObject({ ok: true, value });
  });

  it('fails a ChatResult cut off by the token limit, saying where', () => {
    expect(repairJson(chatResult(JSON.stringify(value), { finishReason: 'length' }))).toEqual({
      ok: false,
      kind: 'truncated',
      reason: 'the reply was cut off at 2,048 tokens',
    });
  });

  it('fails a ChatResult with a refusal', () => {
    expect(repairJson(chatResult('', { refusal: 'I can’t do that.' }))).toEqual({
      ok: false,
      kind: 'refusal',
      reason: 'the model refused: I can’t do that.',
    });
  });
});
