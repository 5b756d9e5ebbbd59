import { z } from 'zod';
import { NOT_BLANK_PATTERN } from './schema-patterns';

/**
 * Anonymous problem reports about a published program (contract 1.1, section 7): anyone may say
 * a program is closed or lists the wrong phone, address, insurance or hours. A report is plain
 * text for reviewers; it is stored verbatim and only ever served inside JSON, never as HTML.
 */
export const REPORT_CATEGORIES = ['closed', 'wrong_phone', 'wrong_address', 'wrong_insurance', 'wrong_hours', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** Characters (Unicode code points, so an emoji counts once), not bytes. */
export const REPORT_MESSAGE_MAX_CHARACTERS = 2_000;

const characters = (text: string) => [...text].length;

export const reportRequestSchema = z.strictObject({
  category: z.enum(REPORT_CATEGORIES, { message: `must be one of ${REPORT_CATEGORIES.join(', ')}` }),
  message: z
    .string({ message: 'must be a string' })
    .refine((text) => text.trim().length > 0, { message: 'must not be empty' })
    .refine((text) => characters(text) <= REPORT_MESSAGE_MAX_CHARACTERS, { message: `must be at most ${REPORT_MESSAGE_MAX_CHARACTERS} characters` })
    // The refinements, as the document states them (JSON Schema lengths count code points too).
    .meta({
      minLength: 1,
      maxLength: REPORT_MESSAGE_MAX_CHARACTERS,
      pattern: NOT_BLANK_PATTERN,
      description:
        'Plain text, 1-2,000 characters, not only whitespace. Stored exactly as sent and only ever served as a JSON string, never rendered as HTML: consumers must escape it themselves',
    }),
});
export type ReportRequest = z.infer<typeof reportRequestSchema>;

export const REPORT_STATUSES = ['open', 'acted_on', 'dismissed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
/** How a reviewer closes a report: `acted_on` (approve: the listing was corrected) or `dismissed` (reject). */
export type ReportResolution = Exclude<ReportStatus, 'open'>;

export interface Report extends ReportRequest {
  id: string;
  programId: string;
  /** The program's name when reported, so the review queue reads without a second lookup. */
  programName: string;
  status: ReportStatus;
  submittedAt: string;
  resolvedBy?: string;
  resolvedAt?: string;
  resolutionNote?: string;
  /** Grows by one with every write (conditional writes compare it). */
  revision: number;
}

export const REPORT_ID_PATTERN = /^rpt_[a-z0-9]{20}$/;

export function isReportId(id: string): boolean {
  return REPORT_ID_PATTERN.test(id);
}

/** A report as reviewers see it, in the review queue and as resolution's answer. */
export type ReportView = Omit<Report, 'revision'> & { kind: 'report' };

export function toReportView(report: Report): ReportView {
  const { revision: _revision, ...view } = report;
  return { kind: 'report', ...view };
}
