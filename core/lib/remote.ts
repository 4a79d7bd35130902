/**
 * The face of a Durable Object's RPC methods as a caller sees them: every call is a promise of the
 * method's (awaited) result. A protocol interface is written once with the object's own signatures
 * (sync or async); the class `implements` it and the client stub is typed as `Remote<…>`, so the
 * worker never imports a Durable Object class to type its stub.
 */
export type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
