export { redirectIfSignedIn as load } from '$lib/redirect-if-signed-in';
