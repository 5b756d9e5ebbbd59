/**
 * The alias every stage's functions search and write through (SEARCH_INDEX_ALIAS), named once for
 * the CDK stacks (their OpenSearch grants name it), the local stack and the command-line tools
 * working on a deployed stage. Versioned indices behind it are `<alias>-v<mapping>-...`.
 */
export const STAGE_SEARCH_INDEX_ALIAS = 'programs';
