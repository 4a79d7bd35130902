// The app is rendered in the browser: the session lives in an httpOnly refresh cookie that only
// the auth API reads, so there is nothing for server-side rendering to authenticate with.
export const ssr = false;
