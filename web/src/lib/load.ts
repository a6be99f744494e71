import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { ApiError } from './api.ts';

/**
 * What a page's load function asks of the API, with the one handling of its failures: signed out (401) goes
 * to sign in, a refusal or a missing thing is the error page with its status, and an unreachable API is the
 * error page that offers to try again.
 */
export async function fromApi<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    if (!(cause instanceof ApiError)) throw cause;
    if (cause.status === 401) redirect(307, resolve('/(public)/login'));
    if (cause.status === 403 || cause.status === 404) error(cause.status, { message: cause.message });
    error(503, { message: cause.message, title: 'app.unreachable.title', body: 'app.unreachable.body', retry: true });
  }
}
