import { ApiError, onSessionEnded } from './api.ts';
import { completeSecondFactor, fetchMe, login, logout, type PendingStep, type User } from './auth.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-in'; user: User }
  /** `pending`: the password was right, and the session still owes a step (the login page shows it). */
  | { status: 'signed-out'; pending?: PendingStep }
  /** The API could not be reached or failed; the layout offers a retry. */
  | { status: 'error'; error: ApiError };

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
}

/** A 401 that says which sign-in step the session still owes. */
function pendingOf(error: ApiError): { pending?: PendingStep } {
  if (error.code === 'second_factor_required') return { pending: 'second_factor' };
  if (error.code === 'two_factor_enrolment_required') return { pending: 'enrol' };
  return {};
}

/** Who is signed in, from GET /api/auth/me; the layout sends a signed-out visitor to /login. */
class Session {
  state = $state<SessionState>({ status: 'loading' });

  #pending: Promise<void> | undefined;
  // Bumped on every change, so a slow /me answer cannot undo a sign-in or sign-out made meanwhile.
  #generation = 0;

  constructor() {
    // Any call answered 401 `unauthorized` while signed in: the session ended on the server (signed
    // out elsewhere, expired, account disabled); the layout then sends the user to sign in.
    onSessionEnded(() => {
      if (this.state.status === 'signed-in') this.expire();
    });
  }

  get user(): User | null {
    return this.state.status === 'signed-in' ? this.state.user : null;
  }

  /** Loads the session once; later calls share the first request. */
  load(): Promise<void> {
    this.#pending ??= this.#fetch();
    return this.#pending;
  }

  /** Asks the API again, after an error. */
  retry(): Promise<void> {
    this.#pending = this.#fetch();
    return this.#pending;
  }

  get pending(): PendingStep | undefined {
    return this.state.status === 'signed-out' ? this.state.pending : undefined;
  }

  async signIn(email: string, password: string): Promise<void> {
    const result = await login(email, password);
    this.#set(
      'user' in result ? { status: 'signed-in', user: result.user } : { status: 'signed-out', pending: result.step },
    );
  }

  async completeSecondFactor(code: string): Promise<void> {
    const user = await completeSecondFactor(code);
    this.#set({ status: 'signed-in', user });
  }

  async signOut(): Promise<void> {
    try {
      await logout();
    } catch (error) {
      // 401: the session had already ended, which is what was asked for.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    this.#set({ status: 'signed-out' });
  }

  /** For any API call answered 401: the session ended on the server. */
  expire(): void {
    this.#set({ status: 'signed-out' });
  }

  #set(state: SessionState): void {
    this.#generation += 1;
    this.#pending ??= Promise.resolve();
    this.state = state;
  }

  async #fetch(): Promise<void> {
    this.#generation += 1;
    const generation = this.#generation;
    this.state = { status: 'loading' };
    let next: SessionState;
    try {
      next = { status: 'signed-in', user: await fetchMe() };
    } catch (error) {
      const apiError = asApiError(error);
      next =
        apiError.status === 401
          ? { status: 'signed-out', ...pendingOf(apiError) }
          : { status: 'error', error: apiError };
    }
    if (generation === this.#generation) this.state = next;
  }
}

export const session = new Session();
