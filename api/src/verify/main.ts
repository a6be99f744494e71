#!/usr/bin/env node
// The verifier's command as its own package runs it (`npx @gavel/verify-bundle bundle.zip`): the package
// is this folder compiled to JavaScript, with no dependencies.
import { runVerifyBundle } from './verify-bundle.ts';

process.exitCode = runVerifyBundle(process.argv.slice(2));
