/** Brevo's error bodies: errorModel `{code, message}`, contactErrorModel adds `metadata`. */

export type BrevoErrorCode =
  | 'invalid_parameter'
  | 'missing_parameter'
  | 'out_of_range'
  | 'document_not_found'
  | 'duplicate_parameter'
  | 'method_not_allowed'
  | 'unauthorized'
  | 'too_many_requests'
  | 'not_acceptable'
  | 'bad_request'
  | 'internal_error';

export interface BrevoErrorBody {
  code: BrevoErrorCode | string;
  message: string;
  metadata?: Record<string, unknown>;
}

/** Thrown by handlers; the error middleware turns it into the HTTP answer. */
export class BrevoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: BrevoErrorBody,
  ) {
    super(`${status} ${body.code}: ${body.message}`);
  }
}

export const badRequest = (message: string, code: BrevoErrorCode = 'invalid_parameter'): BrevoHttpError =>
  new BrevoHttpError(400, { code, message });

export const notFound = (message: string): BrevoHttpError =>
  new BrevoHttpError(404, { code: 'document_not_found', message });

export const contactNotFound = (): BrevoHttpError => notFound('Contact does not exist');
