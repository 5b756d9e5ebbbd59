/** A command-line mistake: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

/** A whole-number option within [min, max]; anything else is a UsageError naming the option (and the unit, if any). */
export function wholeNumberOption(name: string, value: string | undefined, min: number, max: number, unit?: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`);
  }
  return number;
}

/**
 * Runs one of the project's commands with their shared exit-code contract: 2 for usage errors
 * (with the usage text) and for fatal errors (with their message), otherwise what `run` returns.
 */
export function runCommand<Options>(usage: string, parse: (argv: string[]) => Options, run: (options: Options) => Promise<number>): void {
  let options: Options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message ? `error: ${message}\n` : ''}${usage}\n`);
    process.exit(2);
  }
  run(options).then(
    // A large --json summary on a pipe may still be on its way out: exit only once it is written.
    (code) => process.stdout.write('', () => process.exit(code)),
    (error: unknown) => {
      process.stderr.write(`\nerror: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
