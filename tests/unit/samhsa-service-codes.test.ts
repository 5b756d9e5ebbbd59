import ExcelJS from 'exceljs';
import ISO6391 from 'iso-639-1';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_CODE_CATALOGUE } from '../../functions/imports/samhsa/service-code-catalogue';
import { LANGUAGE_CODES, MAPPED_CODES, mapServiceCodes } from '../../functions/imports/samhsa/service-code-mapping';

const DIRECTORY = path.resolve('../shared/data/samhsa-national-directory');
const EDITIONS = { su: 'su-facilities-2023.xlsx', mh: 'mh-facilities-2024.xlsx' } as const;

interface ReferenceRow {
  category: string;
  code: string;
  name: string;
}

/** The `Service Code Reference` sheet as SAMHSA published it, read independently of the importer. */
async function referenceSheet(file: string): Promise<ReferenceRow[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(DIRECTORY, file));
  const sheet = workbook.getWorksheet('Service Code Reference');
  if (!sheet) throw new Error(`${file} has no Service Code Reference sheet`);
  const rows: ReferenceRow[] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const cell = (position: number) => String(row.getCell(position).value ?? '').replace(/\s+/g, ' ').trim();
    rows.push({ category: cell(1), code: cell(3), name: cell(4) });
  });
  return rows;
}

const sheets: Record<keyof typeof EDITIONS, ReferenceRow[]> = { su: [], mh: [] };

beforeAll(async () => {
  sheets.su = await referenceSheet(EDITIONS.su);
  sheets.mh = await referenceSheet(EDITIONS.mh);
}, 60_000);

describe('the service code table against the workbooks', () => {
  it('knows exactly the codes of both reference sheets, with their categories and names', () => {
    expect(sheets.su).toHaveLength(224);
    expect(sheets.mh).toHaveLength(176);
    const fromWorkbooks = new Map<string, { category: string; name: string; editions: string[] }>();
    for (const edition of ['su', 'mh'] as const) {
      for (const row of sheets[edition]) {
        const known = fromWorkbooks.get(row.code);
        if (known) known.editions.push(edition);
        else fromWorkbooks.set(row.code, { category: row.category, name: row.name, editions: [edition] });
      }
    }
    // A code a later edition adds or renames shows up here, not as data silently dropped on import.
    expect(Object.keys(SERVICE_CODE_CATALOGUE).sort()).toEqual([...fromWorkbooks.keys()].sort());
    for (const [code, definition] of fromWorkbooks) expect(SERVICE_CODE_CATALOGUE[code], code).toEqual(definition);
  });

  it('maps only codes some edition defines', () => {
    const undefinedCodes = [...MAPPED_CODES].filter((code) => SERVICE_CODE_CATALOGUE[code] === undefined);
    expect(undefinedCodes).toEqual([]);
  });

  it('reads other-language codes as the ISO 639-1 code of the language the sheet names, and only those', () => {
    const otherLanguages = sheets.su.filter((row) => row.category === 'OL');
    expect(otherLanguages.length).toBeGreaterThan(15);
    const aliases: Record<string, string> = { Farsi: 'Persian', 'Any Chinese Language': 'Chinese', Ojibwa: 'Ojibwe' };
    for (const { code, name } of otherLanguages) {
      const iso = ISO6391.getCode(aliases[name] ?? name);
      if (iso === '') expect(LANGUAGE_CODES[code], `${code} ${name} has no ISO 639-1 code`).toBeUndefined();
      else expect(LANGUAGE_CODES[code], `${code} ${name}`).toBe(iso);
    }
    // Creole names no one language; Hmong and Yupik have no ISO 639-1 code.
    expect(LANGUAGE_CODES.F19).toBeUndefined();
    expect(LANGUAGE_CODES.F37).toBeUndefined();
    expect(sheets.su.find((row) => row.code === 'SP')?.name).toBe('Spanish');
    expect(sheets.su.find((row) => row.code === 'AH')?.name).toMatch(/sign language/i);
  });
});

describe('mapServiceCodes', () => {
  it('reports a code no edition defines and maps the rest', () => {
    const mapping = mapServiceCodes(['SA', 'OIT', 'ZZQ9', 'md'], 'VT');
    expect(mapping.unknownCodes).toEqual(['ZZQ9']);
    expect(mapping.fields).toMatchObject({ levelsOfCare: ['iop'], conditions: ['substance_use'], insurance: ['medicaid'], delivery: ['in_person'] });
  });

  it('adds nothing no code states: no English, no in-person without a setting, no licence number', () => {
    const mapping = mapServiceCodes(['TELE', 'STAG', 'SP'], 'VT');
    expect(mapping.fields.languages).toEqual(['es']);
    expect(mapping.fields.delivery).toEqual(['virtual']);
    expect(mapping.fields.levelsOfCare).toEqual([]);
    expect(mapping.fields.licenses).toEqual([{ state: 'VT', type: 'state_substance_use_agency' }]);
    expect(mapping.fields).not.toHaveProperty('ownership');
  });

  it('takes the specific federal operator over FED, and leaves out operators that contradict each other', () => {
    expect(mapServiceCodes(['FED', 'VAMC'], 'VT').fields.ownership).toBe('va');
    expect(mapServiceCodes(['VAHC', 'FED', 'VAMC'], 'VT').fields.ownership).toBe('va');
    expect(mapServiceCodes(['IH', 'FED'], 'VT').fields.ownership).toBe('indian_health_service');
    const conflicting = mapServiceCodes(['PVTN', 'STG'], 'VT');
    expect(conflicting.fields.ownership).toBeUndefined();
    expect(conflicting.warnings).toEqual([{ path: 'ownership', message: expect.stringContaining('private_nonprofit, state_government') }]);
  });

  it('counts any medication as medication management', () => {
    expect(mapServiceCodes(['ACM'], 'VT').fields).toMatchObject({ medications: ['acamprosate'], services: ['medication_management'] });
  });
});
