import { describe, expect, it } from 'vitest';
import { UsageError, wholeNumberOption } from '../../cli/command-line';

describe('whole-number options of the CLIs', () => {
  it('takes whole numbers within the bounds, the bounds included', () => {
    expect(wholeNumberOption('segments', '1', 1, 64)).toBe(1);
    expect(wholeNumberOption('segments', '64', 1, 64)).toBe(64);
    expect(wholeNumberOption('settle', '0', 0, 86_400, 'seconds')).toBe(0);
  });

  it.each([['0'], ['65'], ['2.5'], ['four'], [undefined]])('refuses %s, naming the option, its unit and its bounds', (value) => {
    expect(() => wholeNumberOption('segments', value, 1, 64)).toThrow(new UsageError('--segments must be a whole number from 1 to 64'));
    expect(() => wholeNumberOption('settle', value === '0' ? '-1' : value, 0, 60, 'seconds')).toThrow(
      new UsageError('--settle must be a whole number of seconds from 0 to 60'),
    );
  });
});
