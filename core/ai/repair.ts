/**
 * The engine's entry to the tolerant reader (core/ai/reader.ts), kept under its first name:
 * `repairJson(reply.content)` reads the text; `repairJson(reply)` with the whole ChatResult also
 * lets finish_reason, message.refusal and the token count decide.
 */
export {
  cutOffSentence,
  readReply,
  refusalSentence,
  repairJson,
  type ReadResult as RepairResult,
  type ReplyEnvelope,
} from './reader.ts';
