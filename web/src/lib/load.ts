import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { ApiError } from './api.ts';
import type { WordKey } from './i18n/index.svelte.ts';

/**
 * What a page's load function asks of the API, with the one handling of its failures: signed out (401) goes
 * to sign in, a refusal or a missing thing is the error page with its status, and an unreachable API is the
 * error page that offers to try again.
 */
export async function fromApi<T>(work: () => Promise<T>, says: { notFound?: WordKey } = {}): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    if (!(cause instanceof ApiError)) throw cause;
    if (cause.status === 401) redirect(307, resolve('/(public)/login'));
    // What is missing, in the page's words where it has them ("This hearing does not exist, or you may not see it").
    if (cause.status === 404 && says.notFound) error(404, { message: cause.message, body: says.notFound });
    if (cause.status === 403 || cause.status === 404) error(cause.status, { message: cause.message });
    error(503, { message: cause.message, title: 'app.unreachable.title', body: 'app.unreachable.body', retry: true });
  }
}
