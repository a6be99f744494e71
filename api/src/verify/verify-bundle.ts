// node api/src/verify/verify-bundle.ts <bundle.zip | directory> [--court-cert court.pem]
// Needs only Node: this folder imports nothing outside Node itself and ../audit/audit.hash.ts.
import { parseArgs } from 'node:util';
import { loadBundle, report, verifyBundle } from './bundle.ts';

export function runVerifyBundle(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'court-cert': { type: 'string' } },
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: verify-bundle <bundle.zip | directory> [--court-cert court.pem]\n');
    return 2;
  }
  const checks = verifyBundle(
    loadBundle(positionals[0]!),
    values['court-cert'] ? { courtCert: values['court-cert'] } : {},
  );
  const { text, ok } = report(checks);
  process.stdout.write(text);
  process.stdout.write(ok ? 'the bundle is intact and signed by the court\n' : 'the bundle FAILED verification\n');
  return ok ? 0 : 1;
}

if (import.meta.main) process.exitCode = runVerifyBundle(process.argv.slice(2));
