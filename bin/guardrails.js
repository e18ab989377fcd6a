#!/usr/bin/env node
// The package's `guardrails` bin: registers tsx so the TypeScript CLI runs as shipped, from any directory.
import { register } from 'tsx/esm/api';

register();
await import('./guardrails.ts');
