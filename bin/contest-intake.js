#!/usr/bin/env node
// The package's command: runs the TypeScript sources through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
process.env.CONTEST_INTAKE_BIN = '1';
await import('../src/cli.ts');
