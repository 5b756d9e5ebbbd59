import * as z from 'zod/mini';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

const reconcileEnvSchema = z.object(environmentShape({
  /** Changes younger than this are the stream's to deliver, not drift. Set by the API stack (infra/config/reconciliation.ts). */
  RECONCILE_SETTLE_SECONDS: z.coerce.number().check(z.int(), z.gte(0), z.lte(86_400)),
}));

export type ReconcileConfig = z.output<typeof reconcileEnvSchema>;

export function loadReconcileConfig(env: NodeJS.ProcessEnv): ReconcileConfig {
  return parseEnv(reconcileEnvSchema, env);
}
