/**
 * The `guardrails` command (package bin, via bin/guardrails.js): core/cli/main.ts on this process's
 * arguments, environment and streams.
 */
import { runCli } from '../core/cli/main.ts';

process.exitCode = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env, cwd: process.cwd() });
