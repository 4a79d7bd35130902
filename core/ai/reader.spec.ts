import { describe, expect, it } from 'vitest';
import { cutOffSentence, readReply, type ReplyEnvelope } from './reader';

/**
 * The tolerant reader's table: every category of untidy-but-usable reply read to an exact value,
 * and every unusable one failed with its sentence.
 */
const C = { clusters: [{ name: 'Raised beds', keywords: ['raised bed', 'cedar raised bed'] }] };
const Cj = JSON.stringify(C);
const I = { ideas: [{ title: 'A', estimated_word_count: 1200 }] };
const Ij = JSON.stringify(I);

const accepted: [string, string | ReplyEnvelope, unknown][] = [
  // plain
  ['plain JSON', Cj, C],
  ['pretty-printed JSON', JSON.stringify(C, null, 2), C],
  ['JSON with leading and trailing whitespace', `\n\n  ${Cj}  \n`, C],
  ['a top-level array', '[{"name":"x","keywords":["a"]}]', [{ name: 'x', keywords: ['a'] }]],
  // code fences
  ['a json code fence', '```json\n' + Cj + '\n```', C],
  ['a JSON (upper case) fence', '```JSON\n' + Cj + '\n```', C],
  ['a fence without a language', '```\n' + Cj + '\n```', C],
  ['a fence on one line', '```json ' + Cj + '```', C],
  ['a tilde fence', '~~~json\n' + Cj + '\n~~~', C],
  ['a fence inside prose', 'Here are the clusters:\n\n```json\n' + Cj + '\n```\n\nLet me know if you need more.', C],
  ['a fence that never closes', '```json\n' + Cj, C],
  ['a second fence after an empty one', '```\n```\n```json\n' + Cj + '\n```', C],
  [
    'a fence after a code sample that is not JSON',
    '```python\nprint(1)\n```\nand the data:\n```json\n' + Cj + '\n```',
    C,
  ],
  [
    'a fence inside a JSON string',
    '{"sections":[{"h2":"Code","html":"<pre>```js\\nx()\\n```</pre>"}]}',
    { sections: [{ h2: 'Code', html: '<pre>```js\nx()\n```</pre>' }] },
  ],
  [
    'a fence inside a JSON string, in a fence',
    '```json\n{"html":"see ```x``` here"}\n```',
    { html: 'see ```x``` here' },
  ],
  // prose and braces around
  ['prose before', 'Sure! Here it is: ' + Cj, C],
  ['prose after', Cj + '\n\nHope that helps.', C],
  ['prose before and after', 'Sure! ' + Cj + ' Hope that helps.', C],
  ['braces in the prose before', 'Using {curly braces} as asked: ' + Cj, C],
  ['a bracketed note before', '[1] see below ' + Cj, C],
  ['braces in the prose after', Cj + ' {end}', C],
  ['a second, smaller object after', Cj + ' {"note":1}', C],
  ['markdown heading before', '### Result\n' + Cj, C],
  // trailing commas and comments
  ['trailing commas', '{"ideas":[{"title":"A","estimated_word_count":1200,},],}', I],
  ['line comments', '{"ideas":[ // the list\n{"title":"A","estimated_word_count":1200}]}', I],
  ['block comments', '{/* n */"ideas":[{"title":"A", /* x */ "estimated_word_count":1200}]}', I],
  ['a comment before the JSON', '// generated\n' + Ij, I],
  [
    'comments and trailing commas together',
    '{\n// generated\n/* fault */ "ideas":[{"title":"A","estimated_word_count":1200,}],\n}',
    I,
  ],
  ['comment markers inside strings kept', '{"a":"http://x.test/*y*/"}', { a: 'http://x.test/*y*/' }],
  // quotes
  ['smart quotes as delimiters', '{“ideas”:[{“title”:“A”,“estimated_word_count”:1200}]}', I],
  ['smart quotes inside a string stay', '{"title":"The “best” beds"}', { title: 'The “best” beds' }],
  ['single smart quotes as delimiters', '{‘title’:‘A’}', { title: 'A' }],
  ['Python single-quoted keys and strings', "{'ideas':[{'title':'A','estimated_word_count':1200}]}", I],
  ['an apostrophe inside a double-quoted string', `{"title":"Don't stop"}`, { title: "Don't stop" }],
  ['an escaped single quote in a single-quoted string', "{'title':'Don\\'t stop'}", { title: "Don't stop" }],
  ['Python True/False/None', "{'a':True,'b':False,'c':None}", { a: true, b: false, c: null }],
  ['JSON true/false/null', '{"a":true,"b":false,"c":null}', { a: true, b: false, c: null }],
  ['bare keys', '{ideas:[{title:"A",estimated_word_count:1200}]}', I],
  // double-encoded
  ['a JSON document as a JSON string', JSON.stringify(Cj), C],
  ['double-encoded inside a fence', '```json\n' + JSON.stringify(Cj) + '\n```', C],
  ['triple-encoded', JSON.stringify(JSON.stringify(Cj)), C],
  // raw characters inside strings
  ['a raw newline inside a string', '{"html":"<p>a\nb</p>"}', { html: '<p>a\nb</p>' }],
  ['a raw tab inside a string', '{"html":"a\tb"}', { html: 'a\tb' }],
  ['a raw CRLF inside a string', '{"html":"a\r\nb"}', { html: 'a\r\nb' }],
  ['unicode escapes', '{"t":"caf\\u00e9 \\ud83c\\udf31"}', { t: 'café 🌱' }],
  ['an unknown escape kept as its character', '{"t":"a\\-b"}', { t: 'a-b' }],
  // BOM and invisible characters
  ['a BOM', '\uFEFF' + Cj, C],
  ['a BOM before a fence', '\uFEFF```json\n' + Cj + '\n```', C],
  ['a zero-width space before the JSON', '\u200B' + Cj, C],
  // numbers stay as the reply wrote them (per-field normalization decides)
  ['numbers written as strings kept as text', '{"n":"1,200","k":"1.2k"}', { n: '1,200', k: '1.2k' }],
  ['negative, exponent and plus numbers', '{"a":-1,"b":1e3,"c":+2,"d":.5}', { a: -1, b: 1000, c: 2, d: 0.5 }],
  // envelopes
  ['a tool call’s arguments', { content: null, toolArguments: Cj }, C],
  ['tool call arguments win over empty content', { content: '', toolArguments: Cj, finishReason: 'tool_calls' }, C],
  ['content with finish_reason stop', { content: Cj, finishReason: 'stop', refusal: null, tokensOut: 30 }, C],
  ['an empty refusal field is not a refusal', { content: Cj, refusal: '' }, C],
  ['an apology before usable JSON is not a refusal', "I'm sorry for the delay! " + Cj, C],
  ['nested arrays and objects', '{"a":[[1,2],[{"b":[]}]],"c":{}}', { a: [[1, 2], [{ b: [] }]], c: {} }],
  ['empty object', '{}', {}],
];

const failing: [string, string | ReplyEnvelope, string, string][] = [
  ['an empty reply', '', 'empty', 'the reply was empty'],
  ['only whitespace', '  \n\t ', 'empty', 'the reply was empty'],
  ['only a BOM', '\uFEFF', 'empty', 'the reply was empty'],
  ['a null content', { content: null }, 'empty', 'the reply was empty'],
  [
    'message.refusal',
    { content: null, refusal: "I can't help with that." },
    'refusal',
    "the model refused: I can't help with that.",
  ],
  ['message.refusal wins over content', { content: Cj, refusal: 'No.' }, 'refusal', 'the model refused: No.'],
  [
    'an apology only',
    "I'm sorry, but I can't help with that request.",
    'refusal',
    "the model refused: I'm sorry, but I can't help with that request.",
  ],
  [
    'a plain refusal',
    'I cannot assist with generating that content.',
    'refusal',
    'the model refused: I cannot assist with generating that content.',
  ],
  [
    'an "as an AI" refusal',
    'As an AI language model, I am unable to do that.',
    'refusal',
    'the model refused: As an AI language model, I am unable to do that.',
  ],
  [
    'finish_reason length',
    { content: Cj, finishReason: 'length', tokensOut: 4096 },
    'truncated',
    'the reply was cut off at 4,096 tokens',
  ],
  [
    'finish_reason length without usage',
    { content: '{"a":', finishReason: 'length' },
    'truncated',
    'the reply was cut off before it ended',
  ],
  ['unclosed JSON', '{"ideas":[{"title":"A","estimated_word', 'truncated', 'the reply was cut off before it ended'],
  [
    'unclosed JSON with its token count',
    { content: '{"clusters":[{"name":"A","keywords":["a"]},{"name":"B"', tokensOut: 812 },
    'truncated',
    'the reply was cut off at 812 tokens',
  ],
  [
    'an unclosed object holding a complete one is not read as the inner one',
    '{"clusters":[{"name":"A","keywords":["a"]},',
    'truncated',
    'the reply was cut off before it ended',
  ],
  [
    'unclosed JSON after prose',
    'Here you go: {"clusters":[{"name":"A"',
    'truncated',
    'the reply was cut off before it ended',
  ],
  [
    'unclosed JSON in an unclosed fence',
    '```json\n{"clusters":[',
    'truncated',
    'the reply was cut off before it ended',
  ],
  ['a literal cut off', '{"a":tr', 'truncated', 'the reply was cut off before it ended'],
  ['a string cut off', '{"a":"abc', 'truncated', 'the reply was cut off before it ended'],
  [
    'prose without JSON',
    'Sure! The first group is about beds and the second about soil.',
    'not_json',
    'the reply holds no JSON',
  ],
  ['a bare string', '"just text"', 'not_json', 'the reply holds no JSON'],
  ['a number', '42', 'not_json', 'the reply holds no JSON'],
  ['broken JSON', '{"a" "b"}', 'not_json', 'the reply holds no JSON'],
  ['unknown words as values', '{"a": maybe}', 'not_json', 'the reply holds no JSON'],
];

describe('readReply', () => {
  it.each(accepted)('accepts %s', (_name, reply, value) => {
    const r = readReply(reply);
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && r.value).toEqual(value);
  });

  it.each(failing)('fails %s', (_name, reply, kind, reason) => {
    expect(readReply(reply)).toEqual({ ok: false, kind, reason });
  });

  it('names the repairs it made', () => {
    const r = readReply('\uFEFFNote:\n```json\n{“a”:1, // c\n}\n```');
    expect(r.ok && [...r.repairs].sort()).toEqual(
      ['bom', 'code_fence', 'comments', 'smart_quotes', 'surrounding_prose', 'trailing_commas'].sort(),
    );
    expect(readReply(Cj)).toEqual({ ok: true, value: C, repairs: [] });
  });

  it('says where a reply was cut off', () => {
    expect(cutOffSentence(4096)).toBe('the reply was cut off at 4,096 tokens');
    expect(cutOffSentence(0)).toBe('the reply was cut off before it ended');
  });

  it('has at least 60 cases', () => {
    expect(accepted.length + failing.length).toBeGreaterThanOrEqual(60);
  });
});
