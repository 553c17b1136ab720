// The workspace's progress view in the OpenAPI document (shared/domain/openapi.ts): GET
// /v1/progress/{divisionCode}, answered in the full report's shape (./report.ts reportSchema).
import type * as z from 'zod';
import { reportSchema } from './report';

export function progressSchemas(schemaOf: (schema: z.ZodType, io: 'input' | 'output') => Record<string, unknown>): Record<string, unknown> {
  return { Progress: schemaOf(reportSchema, 'output') };
}

export function progressPaths(problemResponse: (description: string) => unknown): Record<string, unknown> {
  return {
    '/v1/progress/{divisionCode}': {
      get: {
        operationId: 'divisionProgress',
        summary: "A division's progress this month, live, for the workspace's task forces and coordinators",
        description:
          "The roll-up of the month's county-day counters (the month to date while it runs, the whole month for a past one) for the division and its direct children, read live — the same figures and arithmetic as the full edition of the reports, which are rolled up once a night. For a task force or a regulator whose jurisdiction holds the division (a county's own task force for its county).",
        security: [{ officialJwt: [] }],
        parameters: [
          { name: 'divisionCode', in: 'path', required: true, description: 'A current division code (GB/T 2260, 6 digits; 000000 national)', schema: { type: 'string', pattern: '^\\d{6}$' } },
          { name: 'month', in: 'query', required: false, description: 'YYYY-MM, not after this month (CST); default this month', schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } },
        ],
        responses: {
          '200': { description: 'The division’s figures and its children’s', content: { 'application/json': { schema: { $ref: '#/components/schemas/Progress' } } } },
          '400': problemResponse('month malformed or later than this month (in Chinese and English)'),
          '401': { description: 'No valid official token (API Gateway)' },
          '403': problemResponse('Not a task force or regulator whose jurisdiction holds the division'),
          '404': problemResponse('No such division'),
        },
      },
    },
  };
}
