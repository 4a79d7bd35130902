/**
 * Runware HTTP API emulation (POST /runware/v1 with a JSON array of tasks).
 *
 *   [{"taskType":"authentication","apiKey":"…"},
 *    {"taskType":"imageInference","taskUUID":"…","positivePrompt":"…","width":1024,"height":1024,
 *     "model":"runware:100@1","outputType":"base64Data"|"URL"|"dataURI","numberResults":1}]
 *   → {"data":[{"taskType":"imageInference","taskUUID","imageUUID",
 *               "imageBase64Data"|"imageURL"|"imageDataURI","seed","cost"}]}
 *   errors → {"errors":[{"code","message","parameter"?,"taskUUID"?}]} (401 for a missing or invalid key, 400 otherwise)
 */
import { randomUUID } from 'node:crypto';
import type { FileStore } from './images.ts';
import { renderImage } from './images.ts';
import { hash32 } from './text.ts';

export interface RunwareError {
  code: string;
  message: string;
  parameter?: string;
  taskUUID?: string;
}

export interface RunwareReply {
  status: number;
  body: { data: Record<string, unknown>[] } | { errors: RunwareError[] };
}

export function runwareErrors(status: number, errors: RunwareError[]): RunwareReply {
  return { status, body: { errors } };
}

/** Tasks from the body: an array of tasks, or a single task object. */
export function runwareTasks(body: unknown): Record<string, unknown>[] | null {
  const list = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : null;
  if (!list) return null;
  return list.filter((t): t is Record<string, unknown> => !!t && typeof t === 'object' && !Array.isArray(t));
}

/** The API key from an authentication task, else from `Authorization: Bearer`. */
export function runwareApiKey(tasks: Record<string, unknown>[], authorization: string | undefined): string {
  const auth = tasks.find((t) => t.taskType === 'authentication');
  if (auth && typeof auth.apiKey === 'string') return auth.apiKey.trim();
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return m ? m[1]!.trim() : '';
}

export function isInvalidKey(key: string): boolean {
  return key === 'bad-key' || key.startsWith('invalid');
}

export function checkRunwareKey(key: string): RunwareReply | null {
  if (!key)
    return runwareErrors(401, [
      {
        code: 'missingApiKey',
        message: 'Missing API key. Send an authentication task with a non-empty apiKey.',
        parameter: 'apiKey',
      },
    ]);
  if (isInvalidKey(key))
    return runwareErrors(401, [
      { code: 'invalidApiKey', message: 'Invalid API key. Get your API key from the dashboard.', parameter: 'apiKey' },
    ]);
  return null;
}

const dimOk = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 128 && v <= 2048 && v % 64 === 0;

export function runInference(
  tasks: Record<string, unknown>[],
  ctx: { baseUrl: string; files: FileStore },
): RunwareReply {
  const errors: RunwareError[] = [];
  const data: Record<string, unknown>[] = [];
  for (const task of tasks) {
    const type = task.taskType;
    const taskUUID = typeof task.taskUUID === 'string' ? task.taskUUID : undefined;
    if (type === 'authentication') continue;
    if (type === 'ping') {
      data.push({ taskType: 'ping', pong: true });
      continue;
    }
    if (type !== 'imageInference') {
      errors.push({
        code: 'unsupportedTaskType',
        message: `Task type ${String(type)} is not supported by the dev model.`,
        parameter: 'taskType',
        ...(taskUUID ? { taskUUID } : {}),
      });
      continue;
    }
    const before = errors.length;
    const err = (code: string, parameter: string, message: string) =>
      errors.push({ code, message, parameter, ...(taskUUID ? { taskUUID } : {}) });
    if (!taskUUID)
      err('missingTaskUUID', 'taskUUID', 'Missing taskUUID: every task needs a UUID v4 to match its results.');
    const prompt = typeof task.positivePrompt === 'string' ? task.positivePrompt.trim() : '';
    if (prompt.length < 2 || prompt.length > 3000)
      err('invalidPositivePrompt', 'positivePrompt', 'positivePrompt must be a string of 2 to 3000 characters.');
    if (!dimOk(task.width))
      err('invalidWidth', 'width', 'width must be an integer multiple of 64 between 128 and 2048.');
    if (!dimOk(task.height))
      err('invalidHeight', 'height', 'height must be an integer multiple of 64 between 128 and 2048.');
    if (typeof task.model !== 'string' || !task.model.trim())
      err('invalidModel', 'model', 'model is required (an AIR identifier such as runware:100@1).');
    const outputType = task.outputType ?? 'URL';
    if (outputType !== 'URL' && outputType !== 'base64Data' && outputType !== 'dataURI')
      err('invalidOutputType', 'outputType', 'outputType must be URL, base64Data or dataURI.');
    const numberResults = task.numberResults ?? 1;
    if (
      typeof numberResults !== 'number' ||
      !Number.isInteger(numberResults) ||
      numberResults < 1 ||
      numberResults > 20
    ) {
      err('invalidNumberResults', 'numberResults', 'numberResults must be an integer between 1 and 20.');
    }
    if (errors.length > before) continue;
    const width = task.width as number;
    const height = task.height as number;
    for (let i = 0; i < (numberResults as number); i++) {
      const seed =
        typeof task.seed === 'number' && Number.isInteger(task.seed)
          ? task.seed + i
          : (hash32(`${prompt}|${i}`) % 2147483647) + 1;
      const png = renderImage(prompt, width, height, seed);
      const imageUUID = randomUUID();
      const out: Record<string, unknown> = { taskType: 'imageInference', taskUUID, imageUUID };
      if (outputType === 'base64Data') out.imageBase64Data = png.toString('base64');
      else if (outputType === 'dataURI') out.imageDataURI = `data:image/png;base64,${png.toString('base64')}`;
      else out.imageURL = `${ctx.baseUrl}/files/${ctx.files.put(png)}.png`;
      out.seed = seed;
      out.NSFWContent = false;
      out.cost = Math.max(0.0006, Math.round(((width * height) / (1024 * 1024)) * 0.0019 * 10000) / 10000);
      data.push(out);
    }
  }
  if (errors.length) return runwareErrors(400, errors);
  return { status: 200, body: { data } };
}
