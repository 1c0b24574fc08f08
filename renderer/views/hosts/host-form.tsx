import { useId, useState, type FormEvent } from 'react';
import { parseHostUri } from '../../../api/host-uri';
import { HostInput, type HostView } from '../../../api/hosts-api';

type AuthKind = 'agent' | 'key' | 'password';

interface Fields {
  name: string;
  address: string;
  port: string;
  user: string;
  auth: AuthKind;
  keyPath: string;
  passphrase: string;
  password: string;
}

function initialFields(host?: HostView): Fields {
  return {
    name: host?.name ?? '',
    address: host?.address ?? '',
    port: String(host?.port ?? 22),
    user: host?.user ?? 'root',
    auth: host && host.authKind !== 'local' ? host.authKind : 'agent',
    keyPath: host?.keyPath ?? '',
    passphrase: '',
    password: '',
  };
}

/** The form as the contract's HostInput; empty secrets are left out ("keep the stored one"). */
function toInput(f: Fields): HostInput {
  const auth: HostInput['auth'] =
    f.auth === 'agent'
      ? { kind: 'agent' }
      : f.auth === 'key'
        ? {
            kind: 'key',
            keyPath: f.keyPath.trim(),
            ...(f.passphrase ? { passphrase: f.passphrase } : {}),
          }
        : { kind: 'password', ...(f.password ? { password: f.password } : {}) };
  return {
    name: f.name,
    address: f.address,
    port: Number(f.port),
    user: f.user,
    auth,
  };
}

/**
 * Add or edit a host: labelled fields, SSH agent / key file / password, and a box to paste a
 * libvirt URI (`qemu+ssh://user@host:port/system`) that fills the form. Validated with the
 * contract's own schema before anything is sent; secrets are write-only.
 */
export function HostForm({
  host,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  host?: HostView;
  busy: boolean;
  error?: string;
  onSubmit: (input: HostInput) => void;
  onCancel: () => void;
}) {
  const [f, setF] = useState<Fields>(() => initialFields(host));
  const [uri, setUri] = useState('');
  const [uriNote, setUriNote] = useState<{ error: boolean; text: string }>();
  const [invalid, setInvalid] = useState<string>();
  const id = useId();
  const set = (patch: Partial<Fields>) => setF((old) => ({ ...old, ...patch }));
  const title = host ? `Edit ${host.name}` : 'Add host';
  const keepHint = host?.hasSecret ? 'Leave empty to keep the stored one' : undefined;

  const fill = () => {
    const r = parseHostUri(uri);
    if (!r.ok) {
      setUriNote({ error: true, text: r.error });
      return;
    }
    const v = r.value;
    if (v.kind === 'local') {
      setUriNote({
        error: true,
        text: 'qemu:///system is this computer: Corral lists it by itself when its libvirt socket is reachable',
      });
      return;
    }
    set({
      address: v.address,
      port: String(v.port),
      ...(v.user ? { user: v.user } : {}),
      ...(v.keyPath ? { auth: 'key' as const, keyPath: v.keyPath } : {}),
      ...(f.name ? {} : { name: v.address }),
    });
    setUriNote({ error: false, text: `Filled from ${uri.trim()}` });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = toInput(f);
    const parsed = HostInput.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setInvalid(`${issue?.path.join('.') || 'form'}: ${issue?.message ?? 'invalid'}`);
      return;
    }
    setInvalid(undefined);
    onSubmit(input);
  };

  const field = (name: keyof Fields, label: string, props: Record<string, unknown> = {}) => (
    <label className="hosts-field">
      <span>{label}</span>
      <input
        value={f[name]}
        onChange={(e) => set({ [name]: e.target.value } as Partial<Fields>)}
        {...props}
      />
    </label>
  );

  return (
    <form className="hosts-form" aria-label={title} onSubmit={submit} noValidate>
      <h2>{title}</h2>
      <div className="hosts-uri">
        <label className="hosts-field">
          <span>libvirt URI</span>
          <input
            value={uri}
            placeholder="qemu+ssh://user@host:22/system"
            onChange={(e) => setUri(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                fill();
              }
            }}
          />
        </label>
        <button type="button" onClick={fill}>
          Fill
        </button>
      </div>
      {uriNote && (
        <p role={uriNote.error ? 'alert' : 'status'} className={uriNote.error ? 'error' : 'muted'}>
          {uriNote.text}
        </p>
      )}
      {field('name', 'Name', { required: true })}
      {field('address', 'Address', { required: true, autoComplete: 'off' })}
      {field('port', 'Port', { type: 'number', min: 1, max: 65535, required: true })}
      {field('user', 'User', { required: true, autoComplete: 'off' })}
      <fieldset className="hosts-auth">
        <legend>Authentication</legend>
        {(
          [
            ['agent', 'SSH agent'],
            ['key', 'Key file'],
            ['password', 'Password'],
          ] as const
        ).map(([kind, label]) => (
          <label key={kind}>
            <input
              type="radio"
              name={`${id}-auth`}
              checked={f.auth === kind}
              onChange={() => set({ auth: kind })}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      {f.auth === 'key' && (
        <>
          {field('keyPath', 'Key file path', { placeholder: '~/.ssh/id_ed25519', required: true })}
          {field('passphrase', 'Passphrase', {
            type: 'password',
            autoComplete: 'off',
            placeholder: keepHint ?? 'Only if the key is encrypted',
          })}
        </>
      )}
      {f.auth === 'password' &&
        field('password', 'Password', {
          type: 'password',
          autoComplete: 'off',
          placeholder: keepHint,
        })}
      {(invalid ?? error) && (
        <p role="alert" className="error">
          {invalid ?? error}
        </p>
      )}
      <div className="hosts-actions">
        <button type="submit" disabled={busy}>
          {host ? 'Save' : 'Add host'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
