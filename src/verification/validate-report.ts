/**
 * Validates a report against schemas/verification-report.v1.json (JSON Schema 2020-12). The API
 * and the tests use it to prove that what kyso returns is what the published schema promises.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import schema from '../../schemas/verification-report.v1.json';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addFormat('date-time', DATE_TIME);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Returns the schema violations of `report` (empty when it validates). */
export function validateReport(report: unknown): string[] {
  const validate = validator();
  if (validate(report)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
}
