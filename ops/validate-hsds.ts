/**
 * Validates HSDS 3.0 entities against the official JSON schemas (../shared/data/hsds-3.0/schema).
 * `tsx ops/validate-hsds.ts FILE` checks an export written by `npm run export`; exit 0 when every
 * entity is valid, 1 when some are not (each error printed with its path), 2 on usage errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { HSDS_SECTIONS, type HsdsSection } from '../functions/adapters/hsds/hsds-ids';

export const DEFAULT_HSDS_SCHEMA_DIR = fileURLToPath(new URL('../../shared/data/hsds-3.0/schema', import.meta.url));

/** The schemas' own `$ref`s to compiled schemas and the HSDS API point here. */
const SCHEMA_BASE = 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/';

export interface HsdsValidationError {
  section: HsdsSection;
  /** Index of the entity within its section. */
  index: number;
  entityId: string | undefined;
  /** JSON pointer inside the entity, e.g. `/schedules/0/timezone`. */
  path: string;
  message: string;
}

export type HsdsValidator = (section: HsdsSection, entity: unknown, index: number) => HsdsValidationError[];

/**
 * Loads every schema file and compiles one validator per exported section. The schemas declare no
 * `$schema` and no `$id` and `$ref` each other by file name, so each is registered under its
 * published URL: relative refs then resolve among the loaded files, never over the network.
 * `strict: false` because the schemas carry Frictionless Data keywords (`constraints`, `core`,
 * `datapackage_metadata`, ...) that JSON Schema does not define and validators must ignore.
 */
export function createHsdsValidator(schemaDir: string = DEFAULT_HSDS_SCHEMA_DIR): HsdsValidator {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.json') && name !== 'openapi.json')) {
    const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as Record<string, unknown>;
    ajv.addSchema({ ...schema, $id: `${SCHEMA_BASE}${file}` });
  }
  const validators = new Map<HsdsSection, ValidateFunction>();
  for (const [section, file] of Object.entries(HSDS_SECTIONS) as [HsdsSection, string][]) {
    const validate = ajv.getSchema(`${SCHEMA_BASE}${file}`);
    if (!validate) throw new Error(`HSDS schema ${file} is missing from ${schemaDir}`);
    validators.set(section, validate);
  }
  return (section, entity, index) => {
    const validate = validators.get(section)!;
    if (validate(entity)) return [];
    const entityId = typeof (entity as { id?: unknown })?.id === 'string' ? (entity as { id: string }).id : undefined;
    return (validate.errors ?? []).map((error) => ({
      section,
      index,
      entityId,
      path: error.instancePath || '/',
      message: `${error.message ?? 'invalid'}${error.keyword === 'enum' ? ` (${JSON.stringify(error.params)})` : ''}`,
    }));
  };
}

/** Every entity of an export document, section by section; also reports unknown or missing sections. */
export function validateHsdsDocument(document: unknown, validator: HsdsValidator = createHsdsValidator()): { entities: number; errors: HsdsValidationError[] } {
  const errors: HsdsValidationError[] = [];
  let entities = 0;
  const body = document as Record<string, unknown>;
  for (const section of Object.keys(HSDS_SECTIONS) as HsdsSection[]) {
    const items = body?.[section];
    if (!Array.isArray(items)) {
      errors.push({ section, index: -1, entityId: undefined, path: '/', message: `section ${section} is missing or not an array` });
      continue;
    }
    items.forEach((item, index) => errors.push(...validator(section, item, index)));
    entities += items.length;
  }
  return { entities, errors };
}

export function formatValidationError(error: HsdsValidationError): string {
  const where = error.index < 0 ? error.section : `${error.section}[${error.index}]${error.entityId ? ` (${error.entityId})` : ''}`;
  return `${where}${error.path === '/' ? '' : error.path}: ${error.message}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, ...extra] = process.argv.slice(2);
  if (!file || extra.length > 0) {
    process.stderr.write('usage: tsx ops/validate-hsds.ts FILE\n');
    process.exit(2);
  }
  const { entities, errors } = validateHsdsDocument(JSON.parse(readFileSync(file, 'utf8')));
  for (const error of errors) process.stdout.write(`${formatValidationError(error)}\n`);
  process.stderr.write(`${entities} entities, ${errors.length} errors\n`);
  process.exit(errors.length > 0 ? 1 : 0);
}
