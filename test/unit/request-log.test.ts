// What the request log shows of credentials: enough to recognise them, never the secret.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskedAuthorization, maskedQuery, maskSecret } from '../../server/http/request-log.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

describe('masking secrets for the request log', () => {
  it('masks p, password and token in the query; keeps u and the rest', () => {
    const q = maskedQuery('?db=my%20db&u=bob&p=hunter2&token=abc&precision=s');
    expect(q).toBe(`?db=my%20db&u=bob&p=•••• (sha256:${sha('hunter2')})&token=•••• (sha256:${sha('abc')})&precision=s`);
    expect(q).not.toContain('hunter2');
    expect(maskedQuery('')).toBe('');
  });

  it('shows a long secret by its last 4 characters and a hash prefix, a short one by the hash only', () => {
    expect(maskSecret('0123456789abcdef-long-token')).toBe(`…oken (sha256:${sha('0123456789abcdef-long-token')})`);
    expect(maskSecret('short')).toBe(`•••• (sha256:${sha('short')})`);
    expect(maskSecret('')).toBe('(empty)');
  });

  it('masks Authorization to its scheme (and user) with a fingerprint', () => {
    const token = 'wrong-token-0123456789abcdef';
    expect(maskedAuthorization(`Token ${token}`)).toBe(`Token …cdef (sha256:${sha(token)})`);
    expect(maskedAuthorization(`Bearer ${token}`)).toBe(`Bearer …cdef (sha256:${sha(token)})`);
    expect(maskedAuthorization(`Token bob:${token}`)).toBe(`Token bob:…cdef (sha256:${sha(token)})`);
    const basic = maskedAuthorization(`Basic ${Buffer.from('bob:hunter2').toString('base64')}`);
    expect(basic).toBe(`Basic bob:•••• (sha256:${sha('hunter2')})`);
    expect(maskedAuthorization('garbage')).toBe(`•••• (sha256:${sha('garbage')})`);
  });
});
