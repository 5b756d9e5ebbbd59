import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';

type HandlerOf<Event> = (event: Event, context: Context) => Promise<APIGatewayProxyResultV2<object> | undefined | void>;

/**
 * A Lambda handler behind an API Gateway HTTP API route (payload format 2.0). Besides a
 * structured result it may return a string or any JSON-serialisable object.
 */
export type ApiHandler = HandlerOf<APIGatewayProxyEventV2>;

/** A handler behind a route with the JWT authorizer: its event always carries the verified claims. */
export type JwtApiHandler = HandlerOf<APIGatewayProxyEventV2WithJWTAuthorizer>;

/**
 * A handler imported on the route's first request, as a cold start would: a handler module that
 * does not exist yet, or fails to load, breaks only its own route (500), never the others.
 */
export interface LazyHandler<Handler> {
  readonly load: () => Promise<Handler>;
}

/** A route behind the HTTP API's JWT authorizer: requests without a valid token never reach the handler. */
export interface JwtRoute {
  readonly authorizer: 'jwt';
  readonly handler: JwtApiHandler | LazyHandler<JwtApiHandler>;
}

/** Route keys as API Gateway writes them ('GET /v1/programs/{id}') to what serves them; a bare handler is a public route. */
export type RouteTable = Readonly<Record<string, ApiHandler | JwtRoute>>;

/** A route that only a valid bearer token passes, its handler module imported on first use. */
export function jwtRoute(importModule: () => Promise<{ handler: JwtApiHandler }>): JwtRoute {
  return { authorizer: 'jwt', handler: lazyHandler(importModule) };
}

export function lazyHandler<Handler>(importModule: () => Promise<{ handler: Handler }>): LazyHandler<Handler> {
  let loading: Promise<Handler> | undefined;
  return {
    load: () => {
      loading ??= importModule().then((module) => {
        if (typeof module.handler !== 'function') throw new Error('The module exports no handler function');
        return module.handler;
      });
      // A failed import is retried on the next request, so a module added while the stack runs is picked up.
      loading.catch(() => (loading = undefined));
      return loading;
    },
  };
}

export type RouteMatch =
  | {
      kind: 'route';
      routeKey: string;
      authorizer: 'none' | 'jwt';
      /** The handler; a lazy one is imported here. */
      resolveHandler: () => Promise<ApiHandler | JwtApiHandler>;
      pathParameters: Record<string, string>;
    }
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
  authorizer: 'none' | 'jwt';
  resolveHandler: () => Promise<ApiHandler | JwtApiHandler>;
}

/** Matches requests to routes the way API Gateway does: literal paths first, then `{param}` and `{param+}` routes. */
export class RouteMatcher {
  private readonly routes: CompiledRoute[];

  constructor(table: RouteTable) {
    this.routes = Object.entries(table)
      .map(([routeKey, target]) => compile(routeKey, target))
      .sort((a, b) => b.literalSegments - a.literalSegments || b.pattern.source.length - a.pattern.source.length);
  }

  /** Whether any route needs the JWT authorizer (the adapter then needs a token verifier). */
  get hasJwtRoutes(): boolean {
    return this.routes.some((route) => route.authorizer === 'jwt');
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
      return { kind: 'route', routeKey: route.routeKey, authorizer: route.authorizer, resolveHandler: route.resolveHandler, pathParameters };
    }
    return allowedMethods.size > 0 ? { kind: 'method-not-allowed', allowedMethods: [...allowedMethods].sort() } : { kind: 'no-route' };
  }
}

function compile(routeKey: string, target: ApiHandler | JwtRoute): CompiledRoute {
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
  const handler = typeof target === 'function' ? target : target.handler;
  const resolveHandler = typeof handler === 'function' ? () => Promise.resolve(handler) : handler.load;
  return {
    routeKey,
    method: method.toUpperCase(),
    pattern: new RegExp(`^${source}$`),
    parameterNames,
    literalSegments,
    authorizer: typeof target === 'function' ? 'none' : target.authorizer,
    resolveHandler,
  };
}

function decodePathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
