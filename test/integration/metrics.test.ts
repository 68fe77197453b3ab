import { expect } from 'chai';
import { startHarness, drained, postJson, HOOK_SECRET, WEBHOOK_TOKEN, type Harness } from '../helpers/harness.js';

describe('metrics (integration)', function () {
  this.timeout(20_000);
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(() => h.stop());

  it('exposes Brevo calls, CRM calls, webhook outcomes and stored-state gauges in Prometheus format', async () => {
    const id = h.odoo.store.create('res.partner', { name: 'Metric Person', email: 'metric@example.com' });
    await postJson(`${h.url}/hooks/odoo/${HOOK_SECRET}`, { ids: [id] });
    await drained(h.sidecar);
    const events = [{ event: 'opened', email: 'metric@example.com', ts_event: 1763800000 }, { event: 'mystery', email: 'metric@example.com', ts_event: 1763800001 }];
    await postJson(`${h.url}/webhooks/brevo`, events, { authorization: `Bearer ${WEBHOOK_TOKEN}` });
    await postJson(`${h.url}/webhooks/brevo`, events, { authorization: 'Bearer wrong' });
    const response = await fetch(`${h.url}/metrics`);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await response.text();
    expect(text).to.match(/sidecar_brevo_calls_total\{endpoint="createContact",status="ok"\} 1/);
    expect(text).to.match(/sidecar_crm_calls_total\{model="res.partner",method="read"\} [1-9]/);
    expect(text).to.match(/sidecar_jobs_total\{kind="push_partner",outcome="done"\} 1/);
    expect(text).to.match(/sidecar_webhook_events_total\{provider="brevo",outcome="accepted",type="opened"\} 1/);
    expect(text).to.match(/sidecar_webhook_events_total\{provider="brevo",outcome="ignored",type="unknown"\} 1/);
    expect(text).to.match(/sidecar_webhook_requests_total\{provider="brevo",status="401"\} 1/);
    expect(text).to.match(/sidecar_outbox_jobs 0/);
    expect(text).to.match(/sidecar_inbox_pending_events [0-9]/);
    expect(text).to.match(/sidecar_brevo_call_seconds_bucket/);
  });
});
