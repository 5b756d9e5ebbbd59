type Step = () => Promise<void>;

const steps: Step[] = [];
let listening = false;
let interrupted = false;

/**
 * Ctrl-C or a kill would otherwise end the process without running any `finally`, so the
 * stack would not stop cleanly. Registered steps run newest first, then the process exits.
 * Returns a function that unregisters the step.
 */
export function undoOnInterrupt(step: Step, log: (line: string) => void): () => void {
  if (!listening) {
    listening = true;
    const onSignal = (signal: NodeJS.Signals) => {
      // `tsx` relays the same Ctrl-C a second time when we are slow to acknowledge it.
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping and cleaning up`);
      void (async () => {
        for (const pending of steps.splice(0).reverse()) {
          await pending().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
        }
        process.exit(signal === 'SIGINT' ? 130 : 143);
      })();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  steps.push(step);
  return () => {
    const position = steps.indexOf(step);
    if (position >= 0) steps.splice(position, 1);
  };
}
