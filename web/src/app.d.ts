// See https://svelte.dev/docs/kit/types#app.d.ts
import type { WordKey } from '#lib/i18n/index.svelte.ts';

declare global {
  namespace App {
    interface Error {
      message: string;
      /** What the error page says, in the reader's language: its heading and a sentence under it. */
      title?: WordKey;
      body?: WordKey;
      /** A passing failure (the API out of reach): the page offers to load again. */
      retry?: boolean;
    }
  }
}

export {};
