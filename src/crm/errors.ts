/**
 * Typed CRM errors, so callers decide on retry or dead-letter by class, not by string matching.
 * Odoo's fault codes: 1 anything else (traceback), 2 user/validation/missing record, 3 bad credentials, 4 access rights.
 */
import { XmlRpcFault, lastLine } from './xmlrpc-codec.js';

export class CrmError extends Error {
  /** Whether trying the same call again later may succeed. */
  readonly transient: boolean = false;
  constructor(message: string, readonly faultCode?: number) {
    super(message);
    this.name = new.target.name;
  }
}
export class CrmAuthError extends CrmError {}
export class CrmAccessError extends CrmError {}
export class CrmMissingRecordError extends CrmError {}
export class CrmValidationError extends CrmError {}
export class CrmTransientError extends CrmError {
  override readonly transient = true;
}

// Fault 1 messages that describe a passing condition on the server rather than a bad request.
const TRANSIENT_FAULT_1 = /SerializationFailure|could not serialize|deadlock detected|OperationalError|InterfaceError|PoolError|TransactionRollbackError/;

export function crmErrorFromFault(fault: XmlRpcFault): CrmError {
  const message = lastLine(fault.faultString);
  switch (fault.faultCode) {
    case 3:
      return new CrmAuthError(message || 'Access Denied', 3);
    case 4:
      return new CrmAccessError(message, 4);
    case 2:
      // Its first line says it ("Record does not exist or has been deleted."); the last names the record.
      return /does not exist or has been deleted/.test(fault.faultString)
        ? new CrmMissingRecordError(message, 2)
        : new CrmValidationError(message, 2);
    default:
      return TRANSIENT_FAULT_1.test(fault.faultString)
        ? new CrmTransientError(message, fault.faultCode)
        : new CrmValidationError(message, fault.faultCode);
  }
}
