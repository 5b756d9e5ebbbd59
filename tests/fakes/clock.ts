/**
 * A clock the test moves by hand. Use cases take `now?: () => Date`; pass `clock.now`.
 * Starts at a fixed instant so dates in assertions never depend on when the suite runs.
 */
export class FakeClock {
  private ms: number;

  constructor(start = '2026-03-02T09:00:00.000Z') {
    this.ms = Date.parse(start);
  }

  readonly now = (): Date => new Date(this.ms);

  nowMs(): number {
    return this.ms;
  }

  iso(): string {
    return new Date(this.ms).toISOString();
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}
