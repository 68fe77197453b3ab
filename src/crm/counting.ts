/** Wraps a CRM client to count its calls, for run reports. */
import type { CrmClient } from './client.js';

export function countingCrm(crm: CrmClient): { client: CrmClient; calls: () => number } {
  let calls = 0;
  const client: CrmClient = {
    call: (model, method, args, kwargs) => { calls += 1; return crm.call(model, method, args, kwargs); },
    version: () => crm.version(),
    authenticate: () => crm.authenticate(),
  };
  return { client, calls: () => calls };
}
