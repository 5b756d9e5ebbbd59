import middy from '@middy/core';
import type { Context, PreSignUpTriggerEvent } from 'aws-lambda';
import { z } from 'zod';
import { recordSignUpScreen, recordTriggerFailure } from '../../observability/metrics';
import { observability } from '../../observability/observability';
import { telemetryFor } from '../../observability/telemetry';
import { screenSignUp, SignUpRefusedError, type SignUpPolicy, type SignUpScreenDependencies } from '../../use-cases/accounts/screen-sign-up';

const SERVICE = 'screen-sign-up';

/** What the handler reads of Cognito's pre sign-up event; everything else is passed back untouched. */
const preSignUpEventSchema = z.object({
  triggerSource: z.string(),
  request: z.object({ userAttributes: z.record(z.string(), z.string()) }),
});

export interface ScreenSignUpHandlerDependencies extends SignUpScreenDependencies {
  readonly policy: SignUpPolicy;
}

/**
 * Cognito's pre sign-up trigger of the provider pool: screens each self sign-up (`SignUp`, the one
 * Cognito API anyone can call) by its email domain and the sign-up rates (use-cases/accounts/screen-sign-up.ts).
 * Accounts an administrator creates (`AdminCreateUser`) are not self sign-ups and pass unscreened
 * and uncounted. Refusing is throwing: Cognito then fails the sign-up with the error's message,
 * and no account exists. The event goes back unchanged, so nothing is auto-confirmed: the address
 * is still verified by code.
 */
export function screenSignUpHandler(deps: () => ScreenSignUpHandlerDependencies) {
  const { logger, metrics } = telemetryFor(SERVICE);
  return middy<PreSignUpTriggerEvent, PreSignUpTriggerEvent, Error, Context>()
    .use(observability({ service: SERVICE }))
    .handler(async (event) => {
      try {
        const { triggerSource, request } = preSignUpEventSchema.parse(event);
        if (triggerSource !== 'PreSignUp_SignUp') return event;
        const { policy, rateLimiter } = deps();
        const { domain } = await screenSignUp(request.userAttributes.email ?? '', policy, { rateLimiter });
        recordSignUpScreen(metrics, 'accepted');
        logger.info('Sign-up accepted', { domain });
        return event;
      } catch (error) {
        if (error instanceof SignUpRefusedError) {
          recordSignUpScreen(metrics, 'refused');
          // The domain, never the address: the log is no list of who tried to sign up.
          logger.warn('Sign-up refused', { reason: error.reason, domain: error.domain, retryAfterSeconds: error.retryAfterSeconds });
        } else {
          recordTriggerFailure(metrics);
          logger.error('Sign-up screening failed', { error });
        }
        throw error;
      }
    });
}
