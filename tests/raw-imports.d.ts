// Vite's `?raw` suffix (a file's text as the default export), as the workerd tests use it to read
// wrangler.toml; vite/client's types would also declare browser globals the worker must not see.
declare module '*?raw' {
  const text: string;
  export default text;
}
