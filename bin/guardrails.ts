#!/usr/bin/env node
/**
 * The `guardrails` command: core/cli/main.ts on this process's arguments, environment and streams.
 * The package bin is its build, dist/bin/guardrails.js (plain Node, no tsx); in the checkout,
 * `node --import tsx bin/guardrails.ts` runs the sources.
 */
import { runCli } from '../core/cli/main.ts';

process.exitCode = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env, cwd: process.cwd() });
