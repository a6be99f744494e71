import { errorMessage } from './errors.ts';

/**
 * An administration page's actions, one at a time: which one is under way, what the last one did (a
 * sentence for the success notice) or why it failed (the error notice). After each success the page's
 * data is asked for again. A 401 needs nothing here: the API client ends the session, and the staff
 * layout takes the visitor to sign in.
 */
export class AdminActions {
  /** The id of the action under way (a row's id, or a form's name); null when none is. */
  busy = $state<string | null>(null);
  notice = $state('');
  failure = $state<unknown>(null);
  readonly message = $derived(this.failure ? errorMessage(this.failure) : '');
  readonly #refresh: () => Promise<void>;

  constructor(refresh: () => Promise<void>) {
    this.#refresh = refresh;
  }

  async run(id: string, work: () => Promise<string>): Promise<void> {
    this.busy = id;
    this.failure = null;
    this.notice = '';
    try {
      this.notice = await work();
      await this.#refresh();
    } catch (error) {
      this.failure = error;
    } finally {
      this.busy = null;
    }
  }
}
