import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { correlationIdOf, withCorrelationHeader } from './correlation';
import { activate, telemetryFor, type Telemetry } from './telemetry';

export interface ObservabilityOptions {
  /** The function's name in config/functions.ts: the `service` of its logs, metrics and traces. */
  readonly service: string;
}

export type ObservabilityMiddleware = MiddlewareObj & { readonly telemetry: Telemetry };

const tracers = new Map<string, Tracer>();

function tracerFor(service: string): Tracer {
  let tracer = tracers.get(service);
  if (!tracer) {
    // Outside Lambda (tests, the local stack) the tracer disables itself; in Lambda it also traces
    // outgoing HTTPS, i.e. every OpenSearch request.
    tracer = new Tracer({ serviceName: service });
    tracers.set(service, tracer);
  }
  return tracer;
}

const CORRELATION_KEY = 'iopDirectory.correlationId';

/**
 * Logs, metrics and traces for one function, as a single middy middleware. `.use()` it first, so
 * that it is the outermost layer: its `after`/`onError` then see the final response, including the
 * contract error body the error middleware produced.
 *
 * Metrics are flushed only when the invocation recorded some: Powertools would otherwise warn on
 * every request of the functions that emit none.
 */
export function observability(options: ObservabilityOptions): ObservabilityMiddleware {
  const telemetry = telemetryFor(options.service);
  const tracer = tracerFor(options.service);
  const logContext = injectLambdaContext(telemetry.logger, { resetKeys: true });
  // Search responses can be large: as trace metadata they would only hit the segment size limit.
  const trace = captureLambdaHandler(tracer, { captureResponse: false });

  const flushMetrics = () => {
    if (telemetry.metrics.hasStoredMetrics()) telemetry.metrics.publishStoredMetrics();
  };

  const finish = async (request: Request, phase: 'after' | 'onError') => {
    const internal = request.internal as Record<string, unknown>;
    withCorrelationHeader(request.response, internal[CORRELATION_KEY] as string | undefined);
    flushMetrics();
    await trace[phase]?.(request as never);
    await logContext[phase]?.(request as never);
  };

  return {
    telemetry,
    before: async (request) => {
      activate(telemetry);
      const context = request.context as Context | undefined;
      if (context?.functionName) await logContext.before?.(request as never);
      await trace.before?.(request as never);
      const correlationId = correlationIdOf(request.event, context?.awsRequestId);
      if (correlationId) {
        telemetry.logger.setCorrelationId(correlationId);
        tracer.putAnnotation('correlation_id', correlationId);
      }
      request.internal = { ...request.internal, [CORRELATION_KEY]: correlationId };
    },
    after: (request) => finish(request, 'after'),
    onError: (request) => finish(request, 'onError'),
  };
}
