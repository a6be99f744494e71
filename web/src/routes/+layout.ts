// A single-page app: the API serves build/index.html for every page and the browser renders it.
export const ssr = false;
export const prerender = false;
