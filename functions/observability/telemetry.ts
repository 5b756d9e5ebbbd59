import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from './namespace';

export interface Telemetry {
  readonly service: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

// One instance per service and process: in Lambda a bundle serves a single function, but the local
// stack runs every handler in one process, and each must keep its own service name.
const byService = new Map<string, Telemetry>();
let fallback: Logger | undefined;
let active: Telemetry | undefined;

export function telemetryFor(service: string): Telemetry {
  let telemetry = byService.get(service);
  if (!telemetry) {
    telemetry = {
      service,
      logger: new Logger({ serviceName: service }),
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service }),
    };
    byService.set(service, telemetry);
  }
  return telemetry;
}

/** Marks the telemetry of the invocation now starting, so edges without a handle (the error edge) log with its keys. */
export function activate(telemetry: Telemetry): void {
  active = telemetry;
}

/**
 * The logger of the current invocation (a Lambda environment runs one at a time), or a plain one
 * when code runs outside the middleware, e.g. a unit test of the error edge.
 */
export function currentLogger(): Logger {
  if (active) return active.logger;
  fallback ??= new Logger({ serviceName: 'iop-directory' });
  return fallback;
}
