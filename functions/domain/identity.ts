/** Who is calling, as established by the JWT authorizer (never by the request body). */
export interface Identity {
  /** The token's `sub`: a provider owns the listings created under it. */
  sub: string;
  isReviewer: boolean;
}

export const REVIEWERS_GROUP = 'reviewers';
