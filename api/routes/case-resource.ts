// One process as a case resource: from its declaration follow the start route (201 new, 200 the same body
// again, 409 another body), the live-state route, one route per human action (a workflow update) and one per
// webhook (a signal), with their roles and OpenAPI schemas. Registered as a fastify plugin under its prefix.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, HTTPMethods } from 'fastify';
import { z } from 'zod';
import { actorOf, type Role } from '../auth';
import { caseState, errorResponses, idParams, startedCase } from '../schemas/common';

type CaseMethod = (id: string, input: never) => Promise<unknown>;
/** The names of a service's methods that take a case id and one input: updates and signals. */
export type CaseMethodOf<S> = { [K in keyof S]: S[K] extends CaseMethod ? K : never }[keyof S] & string;

export interface CaseService {
  start(body: never): Promise<{ created: boolean }>;
  state(id: string): Promise<unknown>;
}

export interface CaseAction<S> {
  /** below /:id */
  path: string;
  method?: 'POST' | 'PUT';
  roles: Role[];
  summary: string;
  body: z.ZodType;
  /** the service method that sends the workflow update; it answers the case's new state */
  update?: CaseMethodOf<S>;
  /** the body field the actor goes in: always the authenticated principal, never the caller's word */
  actor?: string;
  /** instead of `update`: what the route does beyond passing the body on (approvers, a plan checked again) */
  call?: (service: S, id: string, body: never, actor: string) => Promise<unknown>;
  /** a 422 body other than the common error body */
  refusal?: z.ZodType;
  example?: unknown;
}

export interface CaseWebhook<S> {
  path: string;
  role: Role;
  summary: string;
  body: z.ZodType;
  /** the service method that signals the workflow; answered 202 once the event is durably with it */
  signal: CaseMethodOf<S>;
}

export interface CaseResourceDeclaration<S extends CaseService> {
  /** the workflow id prefix and operationId stem: order, refund, complaint, campaign, price-change */
  type: string;
  prefix: string;
  tag: string;
  /** the path parameter, and the field naming the case in every answer */
  id: string;
  start: {
    roles: Role[];
    summary: string;
    body: z.ZodType;
    /** the body field the actor goes in */
    actor?: string;
    /** what a start answers beyond the case (campaign warnings, lead time) */
    answers?: z.ZodRawShape;
    refusal?: z.ZodType;
    example: unknown;
  };
  state: {
    roles: Role[];
    summary: string;
    description: string;
    /** fields beyond the common state (or narrower ones) */
    fields?: z.ZodRawShape;
    breaches?: boolean;
  };
  actions: Record<string, CaseAction<S>>;
  webhooks?: Record<string, CaseWebhook<S>>;
  /** the routes that are really this process's own (C5 causes), below the prefix */
  more?: (app: FastifyInstance, service: S) => void;
}

const accepted = z.object({ accepted: z.literal(true) });
const camel = (s: string) => s.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
/** `orderStart`, `refundResponse`, `priceChangeApproval`: unique, stable, from the declaration. */
export const operationIdOf = (type: string, key: string) =>
  camel(type) + key.charAt(0).toUpperCase() + camel(key.slice(1));
const responses = (ok: Record<number, z.ZodType>, refusal?: z.ZodType): Record<number, z.ZodType> => ({
  ...ok,
  ...errorResponses,
  ...(refusal ? { 422: refusal } : {}),
});
const actor = (req: FastifyRequest) => actorOf(req.principal!);
const withActor = (body: unknown, field: string | undefined, req: FastifyRequest) =>
  field ? { ...(body as object), [field]: actor(req) } : body;

export interface CaseRoute {
  method: HTTPMethods;
  url: string;
  roles: Role[];
  operationId: string;
}

/** Every declared route with its roles, as the plugin registers them (the role matrix reads the same). */
export function caseRoutesOf<S extends CaseService>(d: CaseResourceDeclaration<S>): CaseRoute[] {
  const at = (path: string) => `${d.prefix}/:${d.id}${path ? `/${path}` : ''}`;
  return [
    { method: 'POST', url: d.prefix, roles: d.start.roles, operationId: operationIdOf(d.type, 'start') },
    { method: 'GET', url: at(''), roles: d.state.roles, operationId: operationIdOf(d.type, 'state') },
    ...Object.entries(d.actions).map(([key, a]) => ({
      method: a.method ?? ('POST' as const),
      url: at(a.path),
      roles: a.roles,
      operationId: operationIdOf(d.type, key),
    })),
    ...Object.entries(d.webhooks ?? {}).map(([key, w]) => ({
      method: 'POST' as const,
      url: at(w.path),
      roles: [w.role],
      operationId: operationIdOf(d.type, key),
    })),
  ];
}

export function caseResource<S extends CaseService>(d: CaseResourceDeclaration<S>, service: S): FastifyPluginAsync {
  const tags = [d.tag];
  const params = idParams(d.id);
  const started = startedCase(d.id, d.start.answers ?? {});
  const state = caseState(d.id, d.state.description, d.state.fields, { breaches: d.state.breaches });
  const idOf = (req: FastifyRequest) => (req.params as Record<string, string>)[d.id];
  const call = (name: string, id: string, input: unknown) =>
    (service as unknown as Record<string, (id: string, input: unknown) => Promise<unknown>>)[name](id, input);
  const example = <T extends z.ZodType>(schema: T, value: unknown) =>
    value === undefined ? schema : schema.meta({ examples: [value] });

  return async (app) => {
    // first, as before: a static path such as /causes is listed ahead of /:id in app.routeRoles
    d.more?.(app, service);

    app.post(
      '',
      {
        config: { roles: d.start.roles },
        schema: {
          tags,
          operationId: operationIdOf(d.type, 'start'),
          summary: d.start.summary,
          body: example(d.start.body, d.start.example),
          response: responses({ 200: started, 201: started }, d.start.refusal),
        },
      },
      async (req, reply) => {
        const { created, ...answer } = await service.start(withActor(req.body, d.start.actor, req) as never);
        return reply.status(created ? 201 : 200).send(answer);
      },
    );

    app.get(
      `/:${d.id}`,
      {
        config: { roles: d.state.roles },
        schema: {
          tags,
          operationId: operationIdOf(d.type, 'state'),
          summary: d.state.summary,
          params,
          response: responses({ 200: state }),
        },
      },
      async (req) => service.state(idOf(req)),
    );

    for (const [key, a] of Object.entries(d.actions)) {
      app.route({
        method: a.method ?? 'POST',
        url: `/:${d.id}/${a.path}`,
        config: { roles: a.roles },
        schema: {
          tags,
          operationId: operationIdOf(d.type, key),
          summary: a.summary,
          params,
          body: example(a.body, a.example),
          response: responses({ 200: state }, a.refusal),
        },
        handler: async (req) => {
          if (a.call) return a.call(service, idOf(req), req.body as never, actor(req));
          return call(a.update!, idOf(req), withActor(req.body, a.actor, req));
        },
      });
    }

    for (const [key, w] of Object.entries(d.webhooks ?? {})) {
      app.post(
        `/:${d.id}/${w.path}`,
        {
          config: { roles: [w.role] },
          schema: {
            tags,
            operationId: operationIdOf(d.type, key),
            summary: w.summary,
            params,
            body: w.body,
            response: responses({ 202: accepted }),
          },
        },
        async (req, reply) => {
          await call(w.signal, idOf(req), req.body);
          return reply.status(202).send({ accepted: true });
        },
      );
    }
  };
}

/** Registers a case resource under its prefix. */
export const registerCaseResource = <S extends CaseService>(
  app: FastifyInstance,
  d: CaseResourceDeclaration<S>,
  service: S,
) => app.register(caseResource(d, service), { prefix: d.prefix });
