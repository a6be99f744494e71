import { Worker } from 'node:worker_threads';
import type { StampLimits } from '../platform/config.ts';
import { DomainError } from '../platform/http/errors.ts';
import type { ExhibitMediaType } from './file-type.ts';
import { unreadablePdf, type StampText } from './stamp.ts';

type Answer =
  | { ok: true; pdf: Uint8Array; pages: number }
  | { ok: false; refused?: { status: number; code: string; message: string }; message?: string };

/** A job for the stamp worker: the file, what to print, and the most pages it may have. */
export interface StampJob {
  original: Uint8Array;
  type: ExhibitMediaType;
  text: StampText;
  maxPages: number;
}

const tooComplex = (why: string) =>
  new DomainError(
    422,
    'too_complex',
    `The file cannot be stamped: ${why}. Save it again as a simpler PDF (fewer or smaller pages, no forms), or split it into parts.`,
  );

/** Every stamp slot is taken: the caller may try again in a moment. */
const stampingBusy = (retryAfterSeconds: number) =>
  new DomainError(
    503,
    'stamping_busy',
    'Gavel is stamping other exhibits right now. Submit this one again in a few seconds; nothing was kept.',
    { 'retry-after': String(retryAfterSeconds) },
  );

/**
 * Stamps exhibits in threads of their own, each with a heap limit and a time limit, at most
 * `concurrency` at once in this process. A party controls the file, so whatever it costs to parse
 * and rewrite is bounded here, away from the API's own thread and heap: a thread over its heap
 * limit dies alone (the server goes on), one over its time is terminated.
 */
export class StampPool {
  private running = 0;
  readonly limits: StampLimits;

  constructor(limits: StampLimits) {
    this.limits = limits;
  }

  /** Stamps now, or refuses at once (503) when every slot is taken: nothing waits in memory. */
  stamp(original: Uint8Array, type: ExhibitMediaType, text: StampText): Promise<{ pdf: Uint8Array; pages: number }> {
    if (this.running >= this.limits.concurrency) {
      return Promise.reject(stampingBusy(Math.max(1, Math.ceil(this.limits.timeoutMs / 1000 / 4))));
    }
    this.running++;
    return this.run({ original, type, text, maxPages: this.limits.maxPages }).finally(() => this.running--);
  }

  private run(job: StampJob): Promise<{ pdf: Uint8Array; pages: number }> {
    const { timeoutMs, memoryMb } = this.limits;
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./stamp.worker.ts', import.meta.url), {
        resourceLimits: {
          maxOldGenerationSizeMb: memoryMb,
          maxYoungGenerationSizeMb: Math.max(4, Math.min(32, Math.floor(memoryMb / 8))),
        },
      });
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        fn();
      };
      const timer = setTimeout(
        () => settle(() => reject(tooComplex(`stamping it took longer than ${timeoutMs / 1000} s`))),
        timeoutMs,
      );
      worker.once('message', (answer: Answer) =>
        settle(() => {
          if (answer.ok) resolve({ pdf: answer.pdf, pages: answer.pages });
          else if (answer.refused)
            reject(new DomainError(answer.refused.status, answer.refused.code, answer.refused.message));
          // A PDF that breaks pdf-lib is the file's fault, said plainly, not a 500.
          else reject(unreadablePdf('its pages could not be stamped'));
        }),
      );
      worker.once('error', (err: Error & { code?: string }) =>
        settle(() =>
          reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? tooComplex(`stamping it needed more than ${memoryMb} MB of memory`)
              : err,
          ),
        ),
      );
      worker.once('exit', (code) => settle(() => reject(new Error(`the stamp worker stopped (exit code ${code})`))));
      worker.postMessage(job, [job.original.buffer as ArrayBuffer]);
    });
  }
}
