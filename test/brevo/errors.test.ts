import { expect } from 'chai';
import { BrevoError, BrevoTimeoutError } from '@getbrevo/brevo';
import { classifyPlatformError } from '../../src/brevo/classify-error.js';
import {
  ContactNotFoundError, DuplicateContactError, parseResetSeconds, PermanentPlatformError, PlatformAuthError,
  RateLimitedError, TransientPlatformError,
} from '../../src/brevo/errors.js';

function brevoError(statusCode: number | undefined, body?: unknown, headers: Record<string, string> = {}): BrevoError {
  return new BrevoError({ statusCode, body, rawResponse: { headers: new Headers(headers) } as never });
}

describe('brevo error classification', () => {
  it('sorts failures by what the caller must do', () => {
    expect(classifyPlatformError(brevoError(429, { code: 'too_many_requests' }, { 'x-sib-ratelimit-reset': '45' }))).to.be.instanceOf(RateLimitedError).and.have.property('resetSeconds', 45);
    expect(classifyPlatformError(brevoError(401))).to.be.instanceOf(PlatformAuthError);
    expect(classifyPlatformError(brevoError(403))).to.be.instanceOf(PlatformAuthError);
    for (const status of [500, 502, 503, 425]) expect(classifyPlatformError(brevoError(status))).to.be.instanceOf(TransientPlatformError);
    expect(classifyPlatformError(new BrevoTimeoutError('slow'))).to.be.instanceOf(TransientPlatformError);
    expect(classifyPlatformError(brevoError(undefined))).to.be.instanceOf(TransientPlatformError);
    expect(classifyPlatformError(brevoError(404, { code: 'document_not_found', message: 'Contact does not exist' }))).to.be.instanceOf(ContactNotFoundError);
    const bad = classifyPlatformError(brevoError(400, { code: 'invalid_parameter', message: 'email is invalid' }));
    expect(bad).to.be.instanceOf(PermanentPlatformError).and.not.be.instanceOf(DuplicateContactError);
    expect(bad.toJSON()).to.deep.include({ status: 400, code: 'invalid_parameter', message: 'email is invalid' });
  });

  it('detects duplicates by metadata, whatever the code', () => {
    for (const code of ['duplicate_parameter', 'invalid_parameter']) {
      const err = brevoError(400, { code, message: 'Unable to update contact, email is already associated with another Contact', metadata: { duplicate_identifiers: ['email'] } });
      expect(classifyPlatformError(err)).to.be.instanceOf(DuplicateContactError);
    }
  });

  it('reads x-sib-ratelimit-reset as seconds, large values as ms, clamped', () => {
    expect(parseResetSeconds('45', 3600)).to.equal(45);
    expect(parseResetSeconds('0.2', 3600)).to.equal(1);
    expect(parseResetSeconds(null, 3600)).to.equal(1);
    expect(parseResetSeconds('garbage', 3600)).to.equal(1);
    expect(parseResetSeconds('999999999', 3600)).to.equal(3600);
    expect(parseResetSeconds('100000', 60)).to.equal(60);
  });
});
