/**
 * `node --import tsx detect-child.ts '["path", ...]'`: runs detect (table format, example catalog) and
 * prints {summary, out, err} as JSON, for tests that need another user than the test runner's.
 */
import { detect } from './detect-inputs.ts';

const paths = JSON.parse(process.argv[2] ?? '[]') as string[];
process.stdout.write(JSON.stringify(await detect(paths)));
