/**
 * The page worker against the fake Odoo over XML-RPC: what crosses from the worker thread is what mapping the same
 * pages in this thread gives, its calls are counted, and a failure inside the worker ends the run with Odoo's reason.
 */
import { expect } from 'chai';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { DEFAULT_FIELD_MAP } from '../../src/outbound/field-map.js';
import { activeBlacklist, tagNames } from '../../src/initial-sync/lookups.js';
import { mapPage, type MappedPage, type PageContext } from '../../src/initial-sync/map-page.js';
import { partnerDomain } from '../../src/initial-sync/options.js';
import { workerPageSource } from '../../src/initial-sync/page-source.js';
import { PartnerReader, syncFields } from '../../src/initial-sync/reader.js';

describe('initial sync: page worker', function () {
  this.timeout(60_000);
  let odoo: FakeOdoo;
  let crm: OdooXmlRpcClient;
  let request: Parameters<typeof workerPageSource>[0];
  let context: PageContext;
  before(async () => {
    odoo = await startFakeOdoo({ partners: 700, seed: 11 });
    const settings = { url: odoo.url, db: odoo.db, user: 'admin', password: 'admin', timeoutMs: 10_000 };
    crm = new OdooXmlRpcClient(settings);
    const [blacklist, tags] = await Promise.all([activeBlacklist(crm), tagNames(crm)]);
    context = { mapping: { fieldMap: DEFAULT_FIELD_MAP, listIds: [2], tagNames: tags }, blacklist };
    request = { odoo: settings, fields: syncFields(DEFAULT_FIELD_MAP), domain: partnerDomain({ extraDomain: [] }), pageSize: 200, cursor: 0, context };
  });
  after(() => odoo.close());

  const drain = async (source: ReturnType<typeof workerPageSource>) => {
    const pages: MappedPage[] = [];
    for await (const page of source.pages()) pages.push(page);
    return pages;
  };
  const withoutReadAt = (pages: MappedPage[]) => pages.map(({ readAt, ...page }) => page);

  it('hands over the pages this thread would map, and counts its Odoo calls', async () => {
    const source = workerPageSource({ ...request, cursor: 5, limit: 550 });
    const fromWorker = await drain(source);
    const reader = new PartnerReader(crm, request.fields, request.domain, request.pageSize);
    const here: MappedPage[] = [];
    for await (const page of reader.pages(5, 550)) here.push(mapPage(page.partners, page.readAt, page.lastId, context));
    expect(fromWorker.map((p) => p.count)).to.deep.equal([200, 200, 150]);
    expect(withoutReadAt(fromWorker)).to.deep.equal(withoutReadAt(here));
    expect(fromWorker.flatMap((p) => p.mapped).some((m) => m.blacklisted)).to.equal(true);
    expect(source.odooCalls()).to.be.at.least(3);
    expect(source.decodeSeconds()).to.be.greaterThan(0);
  });

  it('maps ahead only as far as its credits allow, whatever the run is doing meanwhile', async () => {
    const source = workerPageSource({ ...request, pagesAhead: 2 });
    const pages = source.pages();
    const searches = () => odoo.calls.filter((c) => c.modelMethod === 'search_read').length;
    const before = searches();
    await pages.next();
    // The run now pauses (an import being sent): besides the page it holds, two wait for it (its credits) and the
    // reader has asked Odoo for the one after; then the worker waits.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(searches() - before).to.equal(4);
    let taken = 1;
    while (!(await pages.next()).done) taken++;
    expect(taken).to.equal(4);
  });

  it('ends the pages with the error Odoo gave the worker', async () => {
    const source = workerPageSource({ ...request, fields: [...request.fields, 'x_no_such_field'] });
    const err = await drain(source).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/x_no_such_field/);
  });
});
