/**
 * What one check of the password rule costs on the server, against the argon2id hash that follows it
 * (the baseline, measured in the same run). Prints figures; judges nothing.
 *
 *   node api/bench/password-rule.ts
 */
import argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../src/accounts/password.ts';
import { judgePassword } from '../src/domain/password.ts';

const context = { courtName: 'Beijing No. 1 Intermediate Court', name: 'Wang Fang', email: 'wang.fang@court.test' };
const people = [
  'gavelgavelgavel',
  'courtroom12345',
  'correct horse battery',
  'lantern orbit saffron quietly',
  'Password1234!',
  'wang.fang@court.test',
  '人民法院依法独立公正行使审判权',
  'e2e password 12 长期有效',
  'Tr0ub4dour&3x-2026',
  'a much longer new passphrase 2026',
];
// Characters zxcvbn's l33t and date matchers work hardest on, at the longest length accepted.
const hostile = ['ab1!', '4@1!|0$5', 'pa55w0rd', '1', '19871987'].map((unit) => unit.repeat(256).slice(0, 256));

const time = (work: () => unknown) => {
  const start = performance.now();
  work();
  return performance.now() - start;
};
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

const first = time(() => judgePassword('first check builds the dictionaries', context));
const checks: number[] = [];
for (let round = 0; round < 20; round++) for (const p of people) checks.push(time(() => judgePassword(p, context)));
const worst = Math.max(...hostile.map((p) => time(() => judgePassword(p, context))));

const hashes: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  await argon2.hash(`baseline password ${i}`, ARGON2_OPTIONS);
  hashes.push(performance.now() - start);
}
const hash = quantile(hashes, 0.5);
const median = quantile(checks, 0.5);

console.log(`first check (builds the dictionaries): ${first.toFixed(1)} ms`);
console.log(
  `one check, ${checks.length} checks of ${people.length} passwords: median ${median.toFixed(2)} ms, p95 ${quantile(checks, 0.95).toFixed(2)} ms`,
);
console.log(`worst hostile 256-character password: ${worst.toFixed(1)} ms`);
console.log(`baseline, one argon2id hash: median ${hash.toFixed(1)} ms (check / hash = ${(median / hash).toFixed(3)})`);
