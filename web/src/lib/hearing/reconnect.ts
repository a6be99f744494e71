/**
 * How a hearing socket waits between reconnect attempts. Plain TypeScript (no runes, no DOM) so the
 * fault tests' raw websocket clients follow exactly the policy the web client does.
 */

export const RECONNECT_FIRST_MS = 500;
/**
 * The longest wait. Gavel promises that clients are back within 10 s of the server returning, and a
 * client only finds out on its next attempt: however long the outage, no wait may come near 10 s.
 * (It was 15 s: after an outage of 16 s a client sat out up to 15 s more with the server back.)
 */
export const RECONNECT_CAP_MS = 3_000;

/**
 * The wait before attempt `attempt` (0 = the first after a drop): 0.5 s doubling to a 3 s cap, of which
 * the upper half is random ("equal jitter"), so a courtroom of clients does not return in lockstep.
 * `random` is Math.random unless a test fixes it; it answers in [0, 1).
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_CAP_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
