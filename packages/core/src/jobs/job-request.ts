/**
 * Checks of a job submission, shared by the client (before upload) and the head (which
 * trusts no client): each bad field throws a TypeError naming it.
 */
import type { JobSubmitRequest } from './job-types.js';

/** Ids a user may choose: safe as a file name. */
const SUBMISSION_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function stringRecord(where: string, v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${where} must be an object of strings`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw new TypeError(`${where}.${k} must be a string`);
  return { ...(v as Record<string, string>) };
}

/** The fields of a submission, checked and copied. */
export function checkJobRequest(req: unknown): JobSubmitRequest {
  if (req === null || typeof req !== 'object') throw new TypeError('jobSubmit needs an object');
  const r = req as Record<string, unknown>;
  const ep = r.entrypoint;
  if (!Array.isArray(ep) || ep.length === 0 || !ep.every((a) => typeof a === 'string') || !ep[0]) {
    throw new TypeError('jobSubmit entrypoint must be a command as a non-empty array of strings, e.g. [\'node\', \'main.js\']');
  }
  if (r.workingDir !== undefined && r.workingDir !== null && typeof r.workingDir !== 'string') throw new TypeError('jobSubmit workingDir must be a wd:// URI');
  const id = r.submissionId;
  if (id !== undefined && id !== null && (typeof id !== 'string' || !SUBMISSION_ID_RE.test(id))) {
    throw new TypeError(`jobSubmit submissionId must be 1-128 letters, digits, '_', '.' or '-' (starting with a letter or digit), got ${JSON.stringify(id)}`);
  }
  const out: JobSubmitRequest = { entrypoint: [...(ep as string[])] };
  if (typeof r.workingDir === 'string') out.workingDir = r.workingDir;
  if (typeof id === 'string') out.submissionId = id;
  const envVars = stringRecord('jobSubmit envVars', r.envVars);
  if (envVars) out.envVars = envVars;
  const metadata = stringRecord('jobSubmit metadata', r.metadata);
  if (metadata) out.metadata = metadata;
  return out;
}
