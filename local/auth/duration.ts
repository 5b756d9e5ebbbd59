const UNIT_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/**
 * A token lifetime such as `90s`, `15m`, `1h`, `7d` or a bare number of seconds, in seconds;
 * undefined when the text is not one. Zero and negative spans are refused: a lifetime that ends
 * before it starts is a mistake on a command line.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})\s*([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[(match[2] || 's') as keyof typeof UNIT_SECONDS];
  return seconds > 0 ? seconds : undefined;
}
