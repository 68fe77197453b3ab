/** What every CLI of the project shares: configuration errors as one line per problem, and a non-zero exit on failure. */
import { ConfigError } from '../src/config.js';

export async function runCli(main: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`invalid configuration\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
    } else {
      process.stderr.write(`error: ${(err as Error).message}\n`);
    }
    process.exitCode = 1;
  }
}
