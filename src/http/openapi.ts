import { z } from 'zod';
import type { RouteDefinition } from './route.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // unrepresentable: 'any' — a transform or a date must not break the whole document; neither
  // may anything else one route's schema does (cycles, custom types), hence the catch.
  try {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12', cycles: 'ref' }) as JsonSchema;
    delete json.$schema;
    return json;
  } catch (error) {
    return { description: `schema not representable in JSON Schema: ${(error as Error).message}` };
  }
}

/** Fastify's `/users/:id` → OpenAPI's `/users/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
  }));
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string', description: 'stable error id' }, message: { type: 'string' }, hint: { type: 'string' } },
};

/**
 * The OpenAPI 3.1 document for every registered route, generated from the zod schemas (OpenAPI
 * 3.1 uses JSON Schema 2020-12, which is what z.toJSONSchema produces).
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `/api/v1${openApiPath(route.url)}`;
    const status = String(route.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: route.response
        ? { description: 'success', content: { 'application/json': { schema: toSchema(route.response, 'output') } } }
        : { description: 'success' },
      '4XX': { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    };
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: route.summary,
      tags: route.tags,
      'x-vigil-role': route.role,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses,
    };
    if (route.description) operation.description = route.description;
    if (route.role !== 'public') operation.security = [{ session: [], bearer: [] }];
    else operation.security = [];
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } };
    else if (route.upload)
      operation.requestBody = { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'vigil API',
      version: '1',
      description:
        'Sessions: POST /api/v1/auth/login sets an httpOnly cookie; send the returned csrfToken as X-CSRF-Token on every POST/PUT/PATCH/DELETE. Scripts: Authorization: Bearer vgl_… (no CSRF). x-vigil-role names the least role a route needs (viewer < analyst < admin).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'vgl_…' },
      },
    },
  };
}
