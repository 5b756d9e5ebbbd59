import middy from '@middy/core';
import type { Context, PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { z } from 'zod';
import { recordReviewerTokenRefused, recordTriggerFailure } from '../../observability/metrics';
import { observability } from '../../observability/observability';
import { telemetryFor } from '../../observability/telemetry';
import { requireReviewerMfa, ReviewerWithoutMfaError, type ReviewerMfaDependencies } from '../../use-cases/accounts/require-reviewer-mfa';

const SERVICE = 'require-reviewer-mfa';

/** What the handler reads of Cognito's pre token generation event; everything else is passed back untouched. */
const preTokenEventSchema = z.object({
  triggerSource: z.string(),
  userPoolId: z.string().min(1),
  userName: z.string().min(1),
  request: z.object({
    groupConfiguration: z.object({ groupsToOverride: z.array(z.string()).optional() }).optional(),
  }),
});

/**
 * Cognito's pre token generation trigger of the provider pool, on every sign-in and token refresh:
 * refuses to issue tokens that would carry the `reviewers` group to a user without an authenticator
 * app (use-cases/accounts/require-reviewer-mfa.ts). Refusing is throwing: Cognito then fails the
 * sign-in (or refresh) with the error's message and issues nothing. The event goes back unchanged,
 * so tokens carry exactly the claims Cognito would have issued.
 */
export function requireReviewerMfaHandler(deps: () => ReviewerMfaDependencies) {
  const { logger, metrics } = telemetryFor(SERVICE);
  return middy<PreTokenGenerationTriggerEvent, PreTokenGenerationTriggerEvent, Error, Context>()
    .use(observability({ service: SERVICE }))
    .handler(async (event) => {
      try {
        const { triggerSource, userPoolId, userName, request } = preTokenEventSchema.parse(event);
        const groups = request.groupConfiguration?.groupsToOverride ?? [];
        const session = await requireReviewerMfa({ userPoolId, username: userName, groups }, deps());
        if (session === 'reviewer') logger.info('Reviewer tokens issued', { username: userName, triggerSource });
        return event;
      } catch (error) {
        if (error instanceof ReviewerWithoutMfaError) {
          recordReviewerTokenRefused(metrics);
          logger.warn('Reviewer tokens refused: no authenticator app', { username: event.userName, triggerSource: event.triggerSource });
        } else {
          recordTriggerFailure(metrics);
          logger.error('Reviewer MFA check failed', { error });
        }
        throw error;
      }
    });
}
