/**
 * The hearing, as a court runs it: its states and moves, who is asking (caller classes), and the one
 * policy table every door asks. Pure TypeScript without I/O, imported by the API and by the web app.
 */
export * from './states.ts';
export * from './callers.ts';
export * from './policy.ts';
export * from './exhibits.ts';
export * from './events.ts';
