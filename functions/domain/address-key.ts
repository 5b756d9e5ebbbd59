/**
 * The normalisation the contract uses to tell that two rows name the same facility or address
 * (sections 6 and 6b): lower-cased, `&` read as `and`, every other run of non-alphanumerics read
 * as one space, trimmed.
 */
export function normalizeForMatching(value: string | undefined): string {
  return (value ?? '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * A 5-digit zip from what spreadsheets and registries publish: ZIP+4 cut to its first five
 * digits, and 3- or 4-digit values (a zip read as a number, which lost its leading zeros: CT
 * `6708`) padded back. Anything else is returned trimmed, for validation to reject.
 */
export function fiveDigitZip(value: string | undefined): string {
  const zip = (value ?? '').trim();
  if (/^\d{5}-?\d{4}$/.test(zip)) return zip.slice(0, 5);
  if (/^\d{3,4}$/.test(zip)) return zip.padStart(5, '0');
  return zip;
}

/** Matching keys of an address: street1 + zip first, name + zip second (contract 6 and 6b). */
export function streetKey(street1: string | undefined, zip: string | undefined): string | undefined {
  const street = normalizeForMatching(street1);
  const five = fiveDigitZip(zip);
  return street && /^\d{5}$/.test(five) ? `${street}|${five}` : undefined;
}

export function nameKey(name: string | undefined, zip: string | undefined): string | undefined {
  const normalized = normalizeForMatching(name);
  const five = fiveDigitZip(zip);
  return normalized && /^\d{5}$/.test(five) ? `${normalized}|${five}` : undefined;
}
