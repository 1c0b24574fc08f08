import { describe, expect, it } from 'vitest';
import { HostInput } from '../../../api/hosts-api';
import { fieldErrors } from '../../../renderer/views/hosts/host-form-fields';

/** What the contract's own schema says about `input`, as the form maps it to its fields. */
const problems = (input: unknown) => {
  const r = HostInput.safeParse(input);
  if (r.success) return {};
  return fieldErrors(r.error.issues);
};

const good = {
  name: 'alpha',
  address: '10.213.0.2',
  port: 22,
  user: 'root',
  auth: { kind: 'agent' },
};

describe('fieldErrors', () => {
  it('puts each schema problem under the field that caused it, in plain words for empty ones', () => {
    const p = problems({ ...good, name: '', address: '' });
    expect(p.name).toBe('Required.');
    expect(p.address).toBe('Required.');
    expect(Object.keys(p).sort()).toEqual(['address', 'name']);
  });

  it('maps a nested auth problem to the key file field', () => {
    const p = problems({ ...good, auth: { kind: 'key', keyPath: '' } });
    expect(Object.keys(p)).toEqual(['keyPath']);
  });

  it('maps a port out of range to Port', () => {
    const p = problems({ ...good, port: 70000 });
    expect(Object.keys(p)).toEqual(['port']);
    expect(p.port).not.toBe('');
  });

  it('never drops a problem no field owns: it goes to Name with its path', () => {
    const p = fieldErrors([{ path: ['auth', 'kind'], message: 'Invalid option' }]);
    expect(p).toEqual({ name: 'auth.kind: Invalid option' });
  });

  it('keeps the first problem of a field', () => {
    const p = fieldErrors([
      { path: ['name'], message: 'first' },
      { path: ['name'], message: 'second' },
    ]);
    expect(p).toEqual({ name: 'first' });
  });

  it('finds nothing wrong with a valid host', () => {
    expect(problems(good)).toEqual({});
  });
});
