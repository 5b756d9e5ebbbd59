import { z } from 'zod';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

export type GeocodingConfig =
  | { readonly geocoder: 'none' }
  | {
      readonly geocoder: 'amazon-location';
      /** Region whose Places API v2 endpoint is called (the grant names the same region's provider). */
      readonly region: string;
      /** Requests per address while the service throttles or is unavailable. */
      readonly maxAttempts: number;
      /** Only where the service is emulated (tests); unset in AWS. */
      readonly endpoint?: string;
    };

export const GEOCODERS = ['none', 'amazon-location'] as const;

const geocodingEnvSchema = z
  .object(environmentShape({
    /**
     * How the importer places rows without coordinates besides the zip centroid. `none` (as
     * locally: nothing is billed and nothing leaves the machine) uses the zip centroid;
     * `amazon-location` asks Amazon Location Service. No default: the CDK stages always set it
     * (infra/config/geocoding.ts), the local stack sets `none`.
     */
    GEOCODER: z.enum(GEOCODERS),
    /** Required with `amazon-location`: no region is assumed for a billed service. */
    GEOCODER_REGION: z
      .string()
      .regex(/^[a-z]{2}(?:-[a-z]+)+-\d+$/, 'an AWS region such as us-east-1')
      .optional(),
    /** Required with `amazon-location`: attempts per address while throttled (1 to 10). */
    GEOCODER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).optional(),
    GEOCODER_ENDPOINT: z.url().optional(),
  }))
  .superRefine((env, context) => {
    if (env.GEOCODER !== 'amazon-location') return;
    for (const name of ['GEOCODER_REGION', 'GEOCODER_MAX_ATTEMPTS'] as const) {
      if (env[name] === undefined) context.addIssue({ code: 'custom', path: [name], message: 'required when GEOCODER=amazon-location' });
    }
  })
  .transform((env): GeocodingConfig => {
    if (env.GEOCODER === 'none') return { geocoder: 'none' };
    return {
      geocoder: 'amazon-location',
      region: env.GEOCODER_REGION!,
      maxAttempts: env.GEOCODER_MAX_ATTEMPTS!,
      ...(env.GEOCODER_ENDPOINT ? { endpoint: env.GEOCODER_ENDPOINT } : {}),
    };
  });

/** The geocoding settings of an environment; throws naming each variable missing or invalid. */
export function loadGeocodingConfig(env: NodeJS.ProcessEnv): GeocodingConfig {
  return parseEnv(geocodingEnvSchema, env);
}
