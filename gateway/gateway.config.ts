// Hive Gateway configuration for Bosättning: one file for development, test
// and production, driven by environment variables (see README.md).
//
// The gateway verifies bearer tokens but lets requests WITHOUT a token through:
// every subgraph verifies again and answers UNAUTHENTICATED itself (deny by
// default, DESIGN §5). A token that is present but invalid is refused here.
import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  defineConfig,
  extractFromHeader,
  Logger,
  type ExtractTokenFunction,
  type GatewayPlugin,
  type GetSigningKeyFunction,
} from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';
import { openTelemetrySetup } from '@graphql-hive/gateway/opentelemetry/setup';
import { unifiedGraphHandler as hiveRouterRuntime } from '@graphql-hive/router-runtime';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

const env = process.env;
const log = new Logger({ prefix: '[bosattning] ' });

function envString(name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function envInt(name: string, fallback: number): number {
  const raw = envString(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  // 0 would switch maxDepth / maxTokens off silently: refuse it.
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function envBool(name: string, fallback: boolean): boolean {
  const raw = envString(name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

const MODES = ['development', 'test', 'production'] as const;
const mode = envString('BOSATTNING_MODE') ?? 'production';
if (!(MODES as readonly string[]).includes(mode)) {
  throw new Error(`BOSATTNING_MODE must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
}
const development = mode === 'development';

// ---------------------------------------------------------------- signing keys

const ALGORITHMS = ['RS256', 'ES256'] as const;

// A public key whose private half was thrown away: a token whose `kid` we do not
// know is verified against it and fails with 401, instead of the JWT plugin's
// HTTP 500 "Authentication is not available" for a missing key.
const unmatchableKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

function pemFromJwk(jwk: JsonWebKey): string {
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}

type Jwks = { keys?: JsonWebKey[] };

/** PEM public keys by `kid`, plus the key for tokens without `kid` (only when there is one key). */
function keysFromJwks(jwks: Jwks): { byKid: Map<string, string>; onlyKey: string | undefined } {
  const keys = (jwks.keys ?? []).filter((key) => key.use === undefined || key.use === 'sig');
  const byKid = new Map<string, string>();
  for (const key of keys) {
    if (typeof key.kid === 'string') byKid.set(key.kid, pemFromJwk(key));
  }
  return { byKid, onlyKey: keys.length === 1 ? pemFromJwk(keys[0]) : undefined };
}

/** Keys from a local jwks.json (written by the dev command), chosen by `kid`. */
function staticJwksProvider(path: string): GetSigningKeyFunction {
  const { byKid, onlyKey } = keysFromJwks(JSON.parse(readFileSync(path, 'utf8')) as Jwks);
  if (byKid.size === 0 && onlyKey === undefined) throw new Error(`${path} holds no signing keys`);
  return (kid) => (kid === undefined ? onlyKey : byKid.get(kid)) ?? unmatchableKey;
}

/**
 * Keys from the identity provider's JWKS URL. The whole key set is cached and
 * refetched when older than BOSATTNING_JWKS_CACHE_SECONDS or when a token names
 * an unknown `kid` — at most BOSATTNING_JWKS_REFETCHES_PER_MINUTE times a minute,
 * so a flood of made-up kids cannot hammer the IdP, and keys already fetched
 * keep working meanwhile (jwks-rsa caches per kid: after such a flood it
 * refused a valid token whose kid it had not looked up yet).
 */
function remoteJwksProvider(jwksUri: string): GetSigningKeyFunction {
  const maxAgeMs = envInt('BOSATTNING_JWKS_CACHE_SECONDS', 600) * 1000;
  const minIntervalMs = 60_000 / Math.max(1, envInt('BOSATTNING_JWKS_REFETCHES_PER_MINUTE', 10));
  let current: ReturnType<typeof keysFromJwks> | undefined;
  let fetchedAt = 0;
  let attemptedAt = -Infinity;
  let inflight: Promise<void> | undefined;

  async function refetch(): Promise<void> {
    attemptedAt = Date.now();
    try {
      const response = await fetch(jwksUri, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      current = keysFromJwks((await response.json()) as Jwks);
      fetchedAt = Date.now();
    } catch (error) {
      // Keep serving the keys we have; with none, authentication is unavailable (500).
      log.error({ jwksUri, err: error }, 'JWKS fetch failed');
    }
  }

  const lookup = (kid: string | undefined) =>
    kid === undefined ? current?.onlyKey : current?.byKid.get(kid);

  return async (kid) => {
    const fresh = Date.now() - fetchedAt < maxAgeMs;
    if (!(fresh && lookup(kid))) {
      if (!inflight && Date.now() - attemptedAt >= minIntervalMs) {
        inflight = refetch().finally(() => (inflight = undefined));
      }
      await inflight;
    }
    if (current === undefined) throw new Error(`no keys from ${jwksUri} yet`);
    return lookup(kid) ?? unmatchableKey;
  };
}

/** `connectionParams.authorization` of a graphql-ws connection, with or without "Bearer ". */
const fromConnectionParams: ExtractTokenFunction = ({ serverContext }) => {
  const params = (serverContext as { connectionParams?: Record<string, unknown> } | undefined)
    ?.connectionParams;
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const token = value.trim().replace(/^Bearer\s+/i, '');
  return { token, prefix: token === value.trim() ? undefined : 'Bearer' };
};

function signingKeyProvider(): GetSigningKeyFunction {
  const url = envString('BOSATTNING_JWKS_URL');
  const file = envString('BOSATTNING_JWKS_FILE');
  if (url && file) throw new Error('set only one of BOSATTNING_JWKS_URL and BOSATTNING_JWKS_FILE');
  if (url) return remoteJwksProvider(url);
  if (file) return staticJwksProvider(file);
  throw new Error('set BOSATTNING_JWKS_URL (identity provider) or BOSATTNING_JWKS_FILE (development keys)');
}

/**
 * The JWT plugin refuses an invalid token with HTTP 401 and a bare
 * `{"message": "Unauthenticated"}`; add the code the subgraphs use for the
 * same refusal, so clients see one shape wherever the token was refused.
 * HTTP refusals pass `onResultProcess`, WebSocket ones `onExecutionResult`.
 */
function withUnauthenticatedCode(result: unknown): unknown {
  if (!result || typeof result !== 'object' || Array.isArray(result) || !('errors' in result)) return result;
  const original = (result as { errors?: readonly GraphQLError[] }).errors;
  if (!original) return result;
  const errors = original.map((error) => {
    const extensions = (error.extensions ?? {}) as Record<string, unknown>;
    const status = (extensions.http as { status?: number } | undefined)?.status;
    if (status !== 401 || extensions.code !== undefined) return error;
    return new GraphQLError(error.message, { extensions: { ...extensions, code: 'UNAUTHENTICATED' } });
  });
  return errors.some((error, index) => error !== original[index]) ? { ...result, errors } : result;
}

function useUnauthenticatedCode(): GatewayPlugin {
  return {
    onResultProcess({ result, setResult }) {
      const mapped = withUnauthenticatedCode(result);
      if (mapped !== result) setResult(mapped as typeof result);
    },
    onExecutionResult({ result, setResult }) {
      const mapped = withUnauthenticatedCode(result);
      if (mapped !== result) setResult(mapped as typeof result);
    },
  };
}

// Request bodies over the limit (DESIGN §4: 1 MB) are refused before they are read.
function useBodyLimit(maxBytes: number): GatewayPlugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > maxBytes) {
        const body = JSON.stringify({
          errors: [{ message: 'request body over 1 MB', extensions: { code: 'BAD_REQUEST' } }],
        });
        endResponse(
          new fetchAPI.Response(body, {
            status: 413,
            headers: { 'content-type': 'application/json' },
          }),
        );
      }
    },
  };
}

const rateLimit = envString('GATEWAY_RATE_LIMIT') ? envInt('GATEWAY_RATE_LIMIT', 1) : undefined;

// Persisted documents for production frontends: a JSON manifest sha256(document) -> document.
// With GATEWAY_PERSISTED_ONLY=true nothing else is executed.
const persistedPath = envString('GATEWAY_PERSISTED_DOCUMENTS');
const persisted: Record<string, string> | undefined = persistedPath
  ? (JSON.parse(readFileSync(persistedPath, 'utf8')) as Record<string, string>)
  : undefined;

// ------------------------------------------------------------------- subgraphs

// Subgraph URLs in supergraph.graphql are development defaults (subgraphs.json);
// <NAME>_URL points a subgraph elsewhere without recomposing.
const SUBGRAPHS = ['kommuntal', 'anvisning', 'dialog'] as const;
const endpointOverrides = Object.fromEntries(
  SUBGRAPHS.flatMap((name) => {
    const url = envString(`${name.toUpperCase()}_URL`);
    return url ? [[name, { location: url }]] : [];
  }),
);

// ----------------------------------------------------------------- telemetry

// OTLP over HTTP, configured by the standard OTEL_* variables (the exporter
// itself reads OTEL_EXPORTER_OTLP_ENDPOINT, appending /v1/traces, or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, plus OTEL_EXPORTER_OTLP_HEADERS).
const tracing =
  Boolean(envString('OTEL_EXPORTER_OTLP_ENDPOINT') ?? envString('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) &&
  !envBool('OTEL_SDK_DISABLED', false);
if (tracing) {
  openTelemetrySetup({
    contextManager: new AsyncLocalStorageContextManager(),
    traces: { exporter: new OTLPTraceExporter() },
    resource: { serviceName: envString('OTEL_SERVICE_NAME') ?? 'bosattning-gateway' },
  });
}

// The services' BOSATTNING_LOG_LEVEL (Python names) also sets the gateway's;
// unset, the gateway's own LOG_LEVEL (default info) applies.
const LOG_LEVELS = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', WARN: 'warn', ERROR: 'error' } as const;
const logLevelName = envString('BOSATTNING_LOG_LEVEL')?.toUpperCase();
const logging = logLevelName === undefined ? undefined : LOG_LEVELS[logLevelName as keyof typeof LOG_LEVELS];
if (logLevelName !== undefined && logging === undefined) {
  throw new Error(`BOSATTNING_LOG_LEVEL must be one of ${Object.keys(LOG_LEVELS).join(', ')}`);
}

// --------------------------------------------------------------------- config

export const gatewayConfig = defineConfig({
  supergraph: fileURLToPath(new URL('./supergraph.graphql', import.meta.url)),
  // The Rust query planner (Hive Router runtime): the county picture went from 0.57x to
  // 0.95x of a client calling the subgraphs itself (BENCHMARKS.md). GATEWAY_RUST_PLANNER=false
  // falls back to the JavaScript planner.
  unifiedGraphHandler: envBool('GATEWAY_RUST_PLANNER', true) ? hiveRouterRuntime : undefined,
  host: envString('GATEWAY_HOST') ?? '127.0.0.1',
  port: envInt('GATEWAY_PORT', 4000),
  logging,

  jwt: {
    signingKeyProviders: [signingKeyProvider()],
    // Browsers cannot set headers on a WebSocket: graphql-ws clients send the
    // token in connection_init's payload instead.
    tokenLookupLocations: [
      extractFromHeader({ name: 'authorization', prefix: 'Bearer' }),
      fromConnectionParams,
    ],
    tokenVerification: {
      algorithms: [...ALGORITHMS],
      issuer: envString('BOSATTNING_JWT_ISSUER'),
      audience: envString('BOSATTNING_JWT_AUDIENCE'),
    },
    reject: { missingToken: false, invalidToken: true },
    forward: { payload: true },
  },
  plugins: () => [useUnauthenticatedCode(), useBodyLimit(envInt('GATEWAY_MAX_BODY_BYTES', 1_048_576))],
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({
      authorization: request?.headers.get('authorization'),
    }),
  },

  transportEntries: {
    '*.http': {
      options: {
        deduplicateInflightRequests: envBool('GATEWAY_DEDUPLICATE', true),
        // strawberry serves no SSE; one subgraph socket per distinct token so
        // the subgraph sees who subscribes (STACK-NOTES).
        subscriptions: {
          kind: 'ws',
          location: '/graphql',
          options: { connectionParams: { authorization: 'Bearer {context.jwt.token.value}' } },
        },
      },
    },
    ...endpointOverrides,
  },

  openTelemetry: tracing ? { traces: true, propagateContext: true, inheritContext: true } : undefined,

  // Per token subject, per minute; off unless GATEWAY_RATE_LIMIT is set (tests and benchmarks
  // run without it, so concurrency is not throttled).
  rateLimiting: rateLimit
    ? (['Query', 'Mutation'] as const).map((type) => ({
        type,
        field: '*',
        max: rateLimit,
        ttl: 60_000,
        identifier: '{context.jwt.payload.sub}',
      }))
    : undefined,

  persistedDocuments: persisted
    ? {
        getPersistedOperation: (key: string) => persisted[key] ?? null,
        allowArbitraryDocuments: !envBool('GATEWAY_PERSISTED_ONLY', false),
      }
    : undefined,

  maxDepth: envInt('GATEWAY_MAX_DEPTH', 12),
  maxTokens: envInt('GATEWAY_MAX_TOKENS', 2000),
  blockFieldSuggestions: true,
  maskedErrors: true,
  graphiql: development,
  landingPage: development,
  // `{}` turns the plugin on with its default: introspection always refused.
  disableIntrospection: development ? undefined : {},
});
