// The marketing resources (campaigns, price changes, messaging), registered together from buildApp.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Policy } from '../../domain/policy';
import type { Authenticator } from '../auth';
import { campaignService } from '../services/campaigns';
import { priceChangeService } from '../services/price-changes';
import { campaignRoutes } from './campaigns';
import { messagingRoutes } from './messaging';
import { priceChangeRoutes } from './price-changes';

export function marketingRoutes(
  app: FastifyInstance,
  deps: { client: Client; pool: Pool; taskQueue: string; policy: () => Policy; keys: Authenticator },
): void {
  campaignRoutes(app, { campaigns: campaignService(deps), keys: deps.keys });
  priceChangeRoutes(app, { priceChanges: priceChangeService(deps), keys: deps.keys });
  messagingRoutes(app, { pool: deps.pool, keys: deps.keys });
}
