#!/usr/bin/env node
// Launcher: runs the TypeScript entry point through tsx so `npx otsd` works from a checkout.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/otsd.ts');
