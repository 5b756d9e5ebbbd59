import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

/**
 * A Lambda handler behind an API Gateway HTTP API route (payload format 2.0). Besides a
 * structured result it may return a string or any JSON-serialisable object.
 */
export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2<object> | undefined | void>;

/** Route keys as API Gateway writes them ('GET /v1/programs/{id}') to their handlers. */
export type RouteTable = Readonly<Record<string, ApiHandler>>;

export type RouteMatch =
  | { kind: 'route'; routeKey: string; handler: ApiHandler; pathParameters: Record<string, string> }
  /** The path is routed, but not for this method. */
  | { kind: 'method-not-allowed'; allowedMethods: string[] }
  | { kind: 'no-route' };

interface CompiledRoute {
  routeKey: string;
  method: string;
  pattern: RegExp;
  parameterNames: string[];
  /** API Gateway prefers the most specific route: more literal segments win. */
  literalSegments: number;
  handler: ApiHandler;
}

/** Matches requests to routes the way API Gateway does: literal paths first, then `{param}` and `{param+}` routes. */
export class RouteMatcher {
  private readonly routes: CompiledRoute[];

  constructor(table: RouteTable) {
    this.routes = Object.entries(table)
      .map(([routeKey, handler]) => compile(routeKey, handler))
      .sort((a, b) => b.literalSegments - a.literalSegments || b.pattern.source.length - a.pattern.source.length);
  }

  /** Path parameters come back percent-decoded, as API Gateway passes them. */
  match(method: string, rawPath: string): RouteMatch {
    const allowedMethods = new Set<string>();
    for (const route of this.routes) {
      const found = route.pattern.exec(rawPath);
      if (!found) continue;
      if (route.method !== method && route.method !== 'ANY') {
        allowedMethods.add(route.method);
        continue;
      }
      const pathParameters: Record<string, string> = {};
      route.parameterNames.forEach((name, index) => (pathParameters[name] = decodePathSegment(found[index + 1] ?? '')));
      return { kind: 'route', routeKey: route.routeKey, handler: route.handler, pathParameters };
    }
    return allowedMethods.size > 0 ? { kind: 'method-not-allowed', allowedMethods: [...allowedMethods].sort() } : { kind: 'no-route' };
  }
}

function compile(routeKey: string, handler: ApiHandler): CompiledRoute {
  const [method, path] = routeKey.split(' ');
  if (!method || !path?.startsWith('/')) throw new Error(`Route key must look like 'GET /path': ${routeKey}`);
  const parameterNames: string[] = [];
  let literalSegments = 0;
  const source = path
    .split('/')
    .map((segment) => {
      const parameter = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
      if (!parameter) {
        if (segment) literalSegments++;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      parameterNames.push(parameter[1]!);
      return parameter[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { routeKey, method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), parameterNames, literalSegments, handler };
}

function decodePathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
