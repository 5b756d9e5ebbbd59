export const CORRELATION_HEADER = 'x-correlation-id';

// A caller-chosen id ends up in every log line and in a response header: accept only short, plain
// tokens so it can neither forge log structure nor smuggle header syntax.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface EventWithIds {
  headers?: Record<string, string | undefined>;
  requestContext?: { requestId?: string };
}

/**
 * The id that ties together one request's logs, traces and response: the caller's
 * x-correlation-id when it sent a usable one, else API Gateway's request id, else the Lambda
 * request id (stream batches have no HTTP request).
 */
export function correlationIdOf(event: unknown, awsRequestId: string | undefined): string | undefined {
  const withIds = (event ?? {}) as EventWithIds;
  for (const [name, value] of Object.entries(withIds.headers ?? {})) {
    if (name.toLowerCase() === CORRELATION_HEADER && value && ACCEPTABLE_ID.test(value)) return value;
  }
  return withIds.requestContext?.requestId ?? awsRequestId;
}

/** Copies the id onto an HTTP response; anything that is not an API Gateway result is left alone. */
export function withCorrelationHeader(response: unknown, correlationId: string | undefined): void {
  if (!correlationId || typeof response !== 'object' || response === null || !('statusCode' in response)) return;
  const result = response as { headers?: Record<string, string | number | boolean> };
  result.headers = { ...result.headers, [CORRELATION_HEADER]: correlationId };
}
