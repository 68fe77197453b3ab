/**
 * The page worker against the fake Odoo over XML-RPC: what crosses from the worker thread is what mapping the same
 * pages in this thread gives, its calls are counted, it reads before it has the page context, and a failure inside the
 * worker ends the run with Odoo's reason.
 */
import { expect } from 'chai';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { DEFAULT_FIELD_MAP } from '../../src/outbound/field-map.js';
import { activeBlacklist, tagNames } from '../../src/initial-sync/lookups.js';
import { mapPage, type MappedPage, type PageContext } from '../../src/initial-sync/map-page.js';
import { partnerDomain } from '../../src/initial-sync/options.js';
import { PageWorker, type PageSource } from '../../src/initial-sync/page-source.js';
import { PartnerReader, syncFields } from '../../src/initial-sync/reader.js';

describe('initial sync: page worker', function () {
  this.timeout(60_000);
  let odoo: FakeOdoo;
  let crm: OdooXmlRpcClient;
  let request: Parameters<PageWorker['read']>[0];
  let context: PageContext;
  before(async () => {
    odoo = await startFakeOdoo({ partners: 700, seed: 11 });
    const settings = { url: odoo.url, db: odoo.db, user: 'admin', password: 'admin', timeoutMs: 10_000 };
    crm = new OdooXmlRpcClient(settings);
    const [blacklist, tags] = await Promise.all([activeBlacklist(crm), tagNames(crm)]);
    context = { mapping: { fieldMap: DEFAULT_FIELD_MAP, listIds: [2], tagNames: tags }, blacklist };
    request = { odoo: settings, fields: syncFields(DEFAULT_FIELD_MAP), domain: partnerDomain({ extraDomain: [] }), pageSize: 200, cursor: 0 };
  });
  after(() => odoo.close());

  const read = (overrides: Partial<typeof request> = {}) => PageWorker.start().read({ ...request, ...overrides });
  const drain = async (source: PageSource) => {
    const pages: MappedPage[] = [];
    for await (const page of source.pages(context)) pages.push(page);
    return pages;
  };
  const searches = () => odoo.calls.filter((c) => c.modelMethod === 'search_read').length;
  const withoutReadAt = (pages: MappedPage[]) => pages.map(({ readAt, ...page }) => page);

  it('hands over the pages this thread would map, and counts its Odoo calls', async () => {
    const source = read({ cursor: 5, limit: 550 });
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
    const before = searches();
    const pages = read({ pagesAhead: 2 }).pages(context);
    await pages.next();
    // The run now pauses (an import being sent): besides the page it holds, two wait for it (its credits) and the
    // reader has asked Odoo for the one after; then the worker waits.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(searches() - before).to.equal(4);
    let taken = 1;
    while (!(await pages.next()).done) taken++;
    expect(taken).to.equal(4);
  });

  it('starts reading before the run has the page context, and maps once it has', async () => {
    const before = searches();
    const source = read({ limit: 300 });
    // The run is still asking Odoo for the blacklist and the tags: the worker reads meanwhile (the first page and
    // the one after it), and waits with them until the context comes.
    for (let waited = 0; searches() - before < 2 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(searches() - before).to.equal(2);
    const pages = await drain(source);
    expect(pages.map((p) => p.count)).to.deep.equal([200, 100]);
    expect(pages[0].mapped.length).to.be.greaterThan(0);
  });

  it('is stopped unused, and reads one run only', async () => {
    const unused = PageWorker.start();
    await unused.stop();
    const worker = PageWorker.start();
    const source = worker.read(request);
    expect(() => worker.read(request)).to.throw(/one run only/);
    await source.close();
  });

  it('ends the pages with the error Odoo gave the worker', async () => {
    const source = read({ fields: [...request.fields, 'x_no_such_field'] });
    const err = await drain(source).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/x_no_such_field/);
  });
});
