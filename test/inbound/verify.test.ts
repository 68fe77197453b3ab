import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  configProblems, isEnabled, verifyRequest, type VerificationConfig, type VerifyInput, type VerifyResult,
} from '../../src/inbound/verify/index.js';

const T = 1_700_000_000; // unix seconds of every signed timestamp below
const NOW = T * 1000 + 30_000;
const BODY = '{"event":"delivered","email":"a@example.com"}';
const SECRET = 'it-is-a-secret';
// Computed outside Node: printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'it-is-a-secret'
const BODY_HMAC = 'b60b1d88a985a614ef869b8049cb996fd7a9491e44e675b26692ddf2094c55b0';
// printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac 'it-is-a-secret'
const TIMESTAMPED_HMAC = '579121b3fb3b8791191aba7ffae1c3f805d413114eaff2272c93a6b010845105';

function input(headers: VerifyInput['headers'], body: string | Buffer = BODY, extra: Partial<VerifyInput> = {}): VerifyInput {
  return { rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), headers, remoteAddress: '1.179.112.9', now: NOW, ...extra };
}

function failure(result: VerifyResult): { scheme: string; reason: string } {
  expect(result.ok, JSON.stringify(result)).to.equal(false);
  return result as { scheme: string; reason: string };
}

function hexHmac(secret: string | Buffer, content: string | Buffer): string {
  return createHmac('sha256', secret).update(content).digest('hex');
}

describe('verify: enabling and combination', () => {
  it('an endpoint without a credential scheme is disabled and refuses everything', () => {
    for (const config of [{}, { bearer: { tokens: [] } }, { ipAllowList: ['1.179.112.0/20'] }, { hmac: { secrets: [''], header: 'x' } }]) {
      expect(isEnabled(config), JSON.stringify(config)).to.equal(false);
      expect(failure(verifyRequest(config, input({ authorization: 'Bearer t' }))).scheme).to.equal('none');
    }
    expect(isEnabled({ basic: { credentials: ['u:p'] } })).to.equal(true);
    expect(isEnabled({ standard: { secrets: ['whsec_AAAA'] } })).to.equal(true);
  });

  it('requires every configured scheme: bearer right but address denied fails', () => {
    const config: VerificationConfig = { bearer: { tokens: ['tok'] }, ipAllowList: ['1.179.112.0/20'] };
    expect(verifyRequest(config, input({ authorization: 'Bearer tok' })).ok).to.equal(true);
    const denied = failure(verifyRequest(config, input({ authorization: 'Bearer tok' }, BODY, { remoteAddress: '8.8.8.8' })));
    expect(denied.scheme).to.equal('ip');
    const config2: VerificationConfig = { bearer: { tokens: ['tok'] }, hmac: { secrets: [SECRET], header: 'x-sendinblue-signature' } };
    expect(failure(verifyRequest(config2, input({ authorization: 'Bearer tok' }))).scheme).to.equal('hmac');
    expect(verifyRequest(config2, input({ authorization: 'Bearer tok', 'x-sendinblue-signature': BODY_HMAC })).ok).to.equal(true);
  });

  it('reports configuration mistakes without quoting secrets', () => {
    const problems = configProblems({
      standard: { secrets: ['whsec_not base64!', 'whsec_c2VjcmV0'] }, basic: { credentials: ['nocolon'] }, ipAllowList: ['1.2.3.4/40'],
    });
    expect(problems).to.have.length(3);
    expect(problems.join(' ')).not.to.include('not base64').and.not.to.include('nocolon');
    expect(configProblems({ ipAllowList: ['1.179.112.0/20', '172.246.240.0/20', '2001:db8::/32', '10.0.0.1'] })).to.deep.equal([]);
  });
});

describe('verify: hmac over the raw body', () => {
  const config: VerificationConfig = { hmac: { secrets: [SECRET], header: 'x-sendinblue-signature' } };

  it('accepts the openssl-computed vector, in any header casing, with or without sha256=', () => {
    expect(hexHmac(SECRET, BODY)).to.equal(BODY_HMAC);
    expect(verifyRequest(config, input({ 'x-sendinblue-signature': BODY_HMAC }))).to.deep.equal({ ok: true });
    expect(verifyRequest(config, input({ 'X-Sendinblue-Signature': `sha256=${BODY_HMAC}` })).ok).to.equal(true);
  });

  it('uses the configured header name', () => {
    const custom: VerificationConfig = { hmac: { secrets: [SECRET], header: 'X-Hub-Signature-256' } };
    expect(verifyRequest(custom, input({ 'x-hub-signature-256': `sha256=${BODY_HMAC}` })).ok).to.equal(true);
    expect(failure(verifyRequest(custom, input({ 'x-sendinblue-signature': BODY_HMAC }))).reason).to.match(/missing/);
  });

  it('rejects a wrong secret, a tampered byte, a malformed value and a missing header', () => {
    const wrong: VerificationConfig = { hmac: { secrets: ['other'], header: 'x-sendinblue-signature' } };
    expect(failure(verifyRequest(wrong, input({ 'x-sendinblue-signature': BODY_HMAC }))).reason).to.equal('no matching signature');
    const tampered = Buffer.from(BODY);
    tampered[tampered.length - 3] ^= 1;
    expect(failure(verifyRequest(config, input({ 'x-sendinblue-signature': BODY_HMAC }, tampered))).reason).to.equal('no matching signature');
    expect(failure(verifyRequest(config, input({ 'x-sendinblue-signature': BODY_HMAC.slice(2) }))).reason).to.equal('malformed signature');
    expect(failure(verifyRequest(config, input({}))).reason).to.equal('missing x-sendinblue-signature header');
  });

  it('does not accept the signature of re-serialised JSON', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(failure(verifyRequest(config, input({ 'x-sendinblue-signature': BODY_HMAC }, pretty))).reason).to.equal('no matching signature');
  });

  it('accepts the second secret during rotation', () => {
    const rotating: VerificationConfig = { hmac: { secrets: ['new-secret', SECRET], header: 'x-sendinblue-signature' } };
    expect(verifyRequest(rotating, input({ 'x-sendinblue-signature': BODY_HMAC })).ok).to.equal(true);
  });

  describe('signed timestamp (t=<unix>,v1=<hex> over `${t}.${body}`)', () => {
    const at = (seconds: number, sig: string) => input({ 'x-sendinblue-signature': `t=${seconds},v1=${sig}` });
    const signAt = (seconds: number) => hexHmac(SECRET, `${seconds}.${BODY}`);

    it('accepts a fresh one (openssl vector) and any of several v1 entries', () => {
      expect(signAt(T)).to.equal(TIMESTAMPED_HMAC);
      expect(verifyRequest(config, at(T, TIMESTAMPED_HMAC)).ok).to.equal(true);
      const several = input({ 'x-sendinblue-signature': `t=${T},v1=${'0'.repeat(64)},v1=${TIMESTAMPED_HMAC}` });
      expect(verifyRequest(config, several).ok).to.equal(true);
    });

    it('rejects a stale (6 min old) and a future (6 min ahead) one, even correctly signed', () => {
      const stale = T - 6 * 60 + 30; // NOW is T + 30 s
      const future = T + 6 * 60 + 30;
      expect(failure(verifyRequest(config, at(stale, signAt(stale)))).reason).to.match(/window/);
      expect(failure(verifyRequest(config, at(future, signAt(future)))).reason).to.match(/window/);
      const edge = T - 4 * 60;
      expect(verifyRequest(config, at(edge, signAt(edge))).ok).to.equal(true);
    });

    it('rejects a changed timestamp and the plain body signature in the timestamped form', () => {
      expect(failure(verifyRequest(config, at(T + 1, TIMESTAMPED_HMAC))).reason).to.equal('no matching signature');
      expect(failure(verifyRequest(config, at(T, BODY_HMAC))).reason).to.equal('no matching signature');
      expect(failure(verifyRequest(config, at(Number.NaN, TIMESTAMPED_HMAC))).reason).to.equal('malformed timestamp');
    });

    it('reads the timestamp from its own header when one is configured, and then requires it', () => {
      const separate: VerificationConfig = { hmac: { secrets: [SECRET], header: 'x-signature', timestampHeader: 'X-Timestamp' } };
      expect(verifyRequest(separate, input({ 'x-signature': TIMESTAMPED_HMAC, 'x-timestamp': String(T) })).ok).to.equal(true);
      expect(failure(verifyRequest(separate, input({ 'x-signature': BODY_HMAC }))).reason).to.equal('missing X-Timestamp header');
      const old = T - 600;
      expect(failure(verifyRequest(separate, input({ 'x-signature': signAt(old), 'x-timestamp': String(old) }))).reason).to.match(/window/);
    });
  });
});

describe('verify: Standard Webhooks', () => {
  const KEY = Buffer.from('standard-webhooks-test-key-32byt');
  const SECRET_STD = `whsec_${KEY.toString('base64')}`;
  const config: VerificationConfig = { standard: { secrets: [SECRET_STD] } };
  const ID = 'msg_2Kx';
  const signature = (id: string, ts: number, body: string | Buffer, key: Buffer = KEY) =>
    createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), Buffer.from(body)])).digest('base64');
  const headers = (sig: string, ts = T, id = ID, prefix = 'webhook-') =>
    ({ [`${prefix}id`]: id, [`${prefix}timestamp`]: String(ts), [`${prefix}signature`]: sig });

  it('accepts a hand-computed signature and returns webhook-id as the idempotency key', () => {
    const result = verifyRequest(config, input(headers(`v1,${signature(ID, T, BODY)}`)));
    expect(result).to.deep.equal({ ok: true, idempotencyKey: ID });
  });

  it('verifies the spec library\'s published vector', () => {
    // standard-webhooks libraries/javascript/src/webhook.test.ts, "sign function works".
    const official: VerificationConfig = { standard: { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] } };
    const at = { now: 1614265330 * 1000 };
    const hdrs = headers('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', 1614265330, 'msg_p5jXN8AQM9LWM0D4loKWxJek');
    expect(verifyRequest(official, input(hdrs, '{"test": 2432232314}', at))).to.deep.equal({ ok: true, idempotencyKey: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
    expect(new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330000), '{"test": 2432232314}'))
      .to.equal('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies a non-ASCII body exactly as the standardwebhooks package and openssl sign it', () => {
    const body = '{"event":"delivered","email":"josé@example.com","reason":"café €"}';
    // printf 'msg_2Kx.1700000000.<body as UTF-8>' | openssl dgst -sha256 -hmac "$KEY" -binary | base64
    const opensslSig = 'k26Jt/jBqMBHNuHv9VN/0x7DAga5tN0KlUqldgkcJ4g=';
    const librarySig = new Webhook(SECRET_STD).sign(ID, new Date(T * 1000), body);
    expect(librarySig).to.equal(`v1,${opensslSig}`);
    expect(verifyRequest(config, input(headers(librarySig), Buffer.from(body, 'utf8'))).ok).to.equal(true);
  });

  it('verifies bytes that are not valid UTF-8 as they were signed', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(verifyRequest(config, input(headers(`v1,${signature(ID, T, body)}`), body)).ok).to.equal(true);
    const lossy = Buffer.from(body.toString('utf8'), 'utf8'); // what a decode/re-encode would have checked
    expect(verifyRequest(config, input(headers(`v1,${signature(ID, T, lossy)}`), body)).ok).to.equal(false);
  });

  it('rejects stale and future timestamps', () => {
    for (const ts of [T - 6 * 60, T + 6 * 60 + 60]) {
      expect(failure(verifyRequest(config, input(headers(`v1,${signature(ID, ts, BODY)}`, ts)))).reason).to.match(/window/);
    }
  });

  it('ignores other versions and finds the v1 entry among several (rotation on the sender side)', () => {
    const good = signature(ID, T, BODY);
    expect(failure(verifyRequest(config, input(headers(`v2,${good}`)))).reason).to.equal('no v1 signature');
    const list = `v1,${signature(ID, T, BODY, Buffer.from('other-key'))} v2,${good} v1,${good}`;
    expect(verifyRequest(config, input(headers(list))).ok).to.equal(true);
  });

  it('accepts the second configured secret (rotation on our side)', () => {
    const rotating: VerificationConfig = { standard: { secrets: ['whsec_bmV3LWtleS1uZXcta2V5', SECRET_STD] } };
    expect(verifyRequest(rotating, input(headers(`v1,${signature(ID, T, BODY)}`))).ok).to.equal(true);
  });

  it('accepts svix-* header names', () => {
    const result = verifyRequest(config, input(headers(`v1,${signature(ID, T, BODY)}`, T, ID, 'svix-')));
    expect(result).to.deep.equal({ ok: true, idempotencyKey: ID });
  });

  it('rejects missing headers, a signature bound to another id, and a tampered body', () => {
    const sig = `v1,${signature(ID, T, BODY)}`;
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const hdrs: Record<string, string> = headers(sig);
      delete hdrs[name];
      expect(failure(verifyRequest(config, input(hdrs))).reason).to.equal(`missing ${name} header`);
    }
    expect(failure(verifyRequest(config, input({}))).reason).to.equal('missing svix-id header');
    expect(failure(verifyRequest(config, input(headers(sig, T, 'msg_other')))).reason).to.equal('no matching signature');
    expect(failure(verifyRequest(config, input(headers(sig), BODY.replace('a@', 'b@')))).reason).to.equal('no matching signature');
  });

  it('rejects a timestamp that is not plain digits', () => {
    const hdrs = { ...headers(`v1,${signature(ID, T, BODY)}`), 'webhook-timestamp': `${T}abc` };
    expect(failure(verifyRequest(config, input(hdrs))).reason).to.equal('malformed timestamp');
  });
});

describe('verify: bearer and basic', () => {
  const bearer: VerificationConfig = { bearer: { tokens: ['old-token', 'new-token'] } };
  const basic: VerificationConfig = { basic: { credentials: ['brevo:s3cret:with-colon'] } };
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('bearer: right (either rotated token, any scheme casing), wrong, missing, wrong scheme', () => {
    expect(verifyRequest(bearer, input({ authorization: 'Bearer old-token' })).ok).to.equal(true);
    expect(verifyRequest(bearer, input({ Authorization: 'bearer new-token' })).ok).to.equal(true);
    expect(failure(verifyRequest(bearer, input({ authorization: 'Bearer new-token-' }))).reason).to.equal('token not accepted');
    expect(failure(verifyRequest(bearer, input({}))).reason).to.equal('missing bearer token');
    expect(failure(verifyRequest(bearer, input({ authorization: `Basic ${b64('new-token')}` }))).reason).to.equal('missing bearer token');
  });

  it('basic: right, wrong password, missing, rotation', () => {
    expect(verifyRequest(basic, input({ authorization: `Basic ${b64('brevo:s3cret:with-colon')}` })).ok).to.equal(true);
    expect(failure(verifyRequest(basic, input({ authorization: `Basic ${b64('brevo:s3cret')}` }))).reason).to.equal('credentials not accepted');
    expect(failure(verifyRequest(basic, input({}))).reason).to.equal('missing basic credentials');
    const rotating: VerificationConfig = { basic: { credentials: ['a:1', 'b:2'] } };
    expect(verifyRequest(rotating, input({ authorization: `Basic ${b64('b:2')}` })).ok).to.equal(true);
  });
});

describe('verify: IP allow-list', () => {
  const brevoRanges = ['1.179.112.0/20', '172.246.240.0/20', '2001:db8:10::/48'];
  const config: VerificationConfig = { bearer: { tokens: ['tok'] }, ipAllowList: brevoRanges };
  const auth = { authorization: 'Bearer tok' };
  const from = (remoteAddress: string, headers: Record<string, string> = {}, extra: VerificationConfig = {}) =>
    verifyRequest({ ...config, ...extra }, input({ ...auth, ...headers }, BODY, { remoteAddress }));

  it('allows both Brevo ranges, an IPv6 range and IPv4-mapped IPv6 peers', () => {
    expect(from('1.179.127.255').ok).to.equal(true);
    expect(from('172.246.240.1').ok).to.equal(true);
    expect(from('::ffff:1.179.112.9').ok).to.equal(true);
    expect(from('2001:db8:10::42').ok).to.equal(true);
    expect(from('1.179.128.0').ok).to.equal(false);
    expect(from('::ffff:8.8.8.8').ok).to.equal(false);
    expect(from('2001:db8:11::1').ok).to.equal(false);
  });

  it('ignores X-Forwarded-For unless trustProxy is set (a spoofed header does not help)', () => {
    expect(failure(from('203.0.113.7', { 'x-forwarded-for': '1.179.112.9' })).reason).to.match(/203\.0\.113\.7/);
    expect(from('1.179.112.9', { 'x-forwarded-for': '203.0.113.7' }).ok).to.equal(true);
  });

  it('with trustProxy, takes the right-most X-Forwarded-For entry (the one our proxy appended)', () => {
    const proxied = { trustProxy: true };
    expect(from('10.0.0.2', { 'x-forwarded-for': '1.179.112.9' }, proxied).ok).to.equal(true);
    expect(from('10.0.0.2', { 'x-forwarded-for': '1.179.112.9, 203.0.113.7' }, proxied).ok).to.equal(false);
    expect(from('10.0.0.2', { 'x-forwarded-for': '203.0.113.7, ::ffff:172.246.240.3' }, proxied).ok).to.equal(true);
    expect(from('1.179.112.9', {}, proxied).ok).to.equal(true); // no header: the socket peer
    expect(failure(from('10.0.0.2', { 'x-forwarded-for': 'garbage' }, proxied)).reason).to.equal('client address unparseable');
  });

  it('refuses everything when the list itself is broken', () => {
    const broken: VerificationConfig = { bearer: { tokens: ['tok'] }, ipAllowList: ['1.179.112.0/20', 'not-a-cidr'] };
    expect(failure(verifyRequest(broken, input(auth))).reason).to.equal('allow-list misconfigured');
  });

  it('refuses when the peer address is unknown', () => {
    const result = verifyRequest(config, input(auth, BODY, { remoteAddress: undefined }));
    expect(failure(result).reason).to.equal('client address unknown');
  });
});

describe('verify: reasons never leak secrets or what was received', () => {
  it('no failure reason contains a configured secret or the presented credential', () => {
    const secrets = ['hmac-secret-value', 'bearer-token-value', 'user:basic-password', 'whsec_c2VjcmV0LWtleS1ieXRlcw=='];
    const config: VerificationConfig = {
      hmac: { secrets: [secrets[0]], header: 'x-sig' }, bearer: { tokens: [secrets[1]] }, basic: { credentials: [secrets[2]] },
      standard: { secrets: [secrets[3]] },
    };
    const presented = ['presented-token-xyz', 'deadbeef'.repeat(8), 'v1,cHJlc2VudGVk'];
    const attempts: VerifyInput['headers'][] = [
      {}, { authorization: `Bearer ${presented[0]}` }, { authorization: `Bearer ${secrets[1]}`, 'x-sig': presented[1] },
      { authorization: `Bearer ${secrets[1]}` },
      { authorization: `Basic ${Buffer.from(secrets[2]).toString('base64')}`, 'x-sig': hexHmac(secrets[0], BODY) },
    ];
    const reasons: string[] = [];
    for (const headers of attempts) {
      for (const extra of [{}, { authorization: `Basic ${Buffer.from('user:bad').toString('base64')}` }]) {
        const result = verifyRequest(config, input({ ...headers, ...extra, 'webhook-id': 'm', 'webhook-timestamp': String(T), 'webhook-signature': presented[2] }));
        reasons.push(failure(result).reason);
      }
    }
    // Each scheme's own configuration with the presented material as the only difference.
    reasons.push(failure(verifyRequest({ bearer: { tokens: [secrets[1]] } }, input({ authorization: `Bearer ${presented[0]}` }))).reason);
    reasons.push(failure(verifyRequest({ hmac: { secrets: [secrets[0]], header: 'x-sig' } }, input({ 'x-sig': presented[1] }))).reason);
    const all = reasons.join('\n');
    expect(new Set(reasons).size).to.be.greaterThan(2);
    for (const s of [...secrets, 'basic-password', 'c2VjcmV0LWtleS1ieXRlcw', ...presented, 'cHJlc2VudGVk']) expect(all).not.to.include(s);
  });
});
