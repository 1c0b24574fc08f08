import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  InputGroup,
  InputGroupItem,
  Radio,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { useId, useState, type FormEvent } from 'react';
import { parseHostUri } from '../../../api/host-uri';
import { HostInput, type HostView } from '../../../api/hosts-api';
import { fieldErrors, type Fields } from './host-form-fields';

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

const AUTH_KINDS = [
  ['agent', 'SSH agent'],
  ['key', 'Key file'],
  ['password', 'Password'],
] as const;

/**
 * Add or edit a host: labelled fields, SSH agent / key file / password, and a box to paste a
 * libvirt URI (`qemu+ssh://user@host:port/system`) that fills the form. Validated with the
 * contract's own schema before anything is sent, each problem shown under its field; secrets are
 * write-only.
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
  const [invalid, setInvalid] = useState<Partial<Record<keyof Fields, string>>>({});
  const id = useId();
  const set = (patch: Partial<Fields>) => {
    setF((old) => ({ ...old, ...patch }));
    // A field the person changes is no longer known to be wrong.
    setInvalid((old) => {
      const next = { ...old };
      for (const k of Object.keys(patch)) delete next[k as keyof Fields];
      return next;
    });
  };
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
      setInvalid(fieldErrors(parsed.error.issues));
      return;
    }
    setInvalid({});
    onSubmit(input);
  };

  const field = (
    name: keyof Fields,
    label: string,
    props: {
      type?: 'text' | 'number' | 'password';
      placeholder?: string;
      required?: boolean;
      hint?: string;
    } = {},
  ) => {
    const fieldId = `${id}-${name}`;
    const problem = invalid[name];
    const help = problem ?? props.hint;
    return (
      <FormGroup label={label} fieldId={fieldId} isRequired={props.required}>
        <TextInput
          id={fieldId}
          type={props.type ?? 'text'}
          value={f[name]}
          placeholder={props.placeholder}
          isRequired={props.required}
          autoComplete="off"
          validated={problem ? 'error' : 'default'}
          aria-describedby={help ? `${fieldId}-help` : undefined}
          onChange={(_e, value) => set({ [name]: value } as Partial<Fields>)}
        />
        {help && (
          <FormHelperText>
            <HelperText id={`${fieldId}-help`}>
              <HelperTextItem variant={problem ? 'error' : 'default'}>{help}</HelperTextItem>
            </HelperText>
          </FormHelperText>
        )}
      </FormGroup>
    );
  };

  const uriId = `${id}-uri`;
  const problems = Object.keys(invalid).length;
  return (
    <Card className="hosts-form-card">
      <CardTitle>
        <Title headingLevel="h2">{title}</Title>
      </CardTitle>
      <CardBody>
        <Form aria-label={title} onSubmit={submit} noValidate isWidthLimited>
          <FormGroup label="libvirt URI" fieldId={uriId}>
            <InputGroup>
              <InputGroupItem isFill>
                <TextInput
                  id={uriId}
                  value={uri}
                  placeholder="qemu+ssh://user@host:22/system"
                  validated={uriNote?.error ? 'error' : 'default'}
                  aria-describedby={`${uriId}-help`}
                  onChange={(_e, value) => setUri(value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      fill();
                    }
                  }}
                />
              </InputGroupItem>
              <InputGroupItem>
                <Button variant="control" onClick={fill}>
                  Fill
                </Button>
              </InputGroupItem>
            </InputGroup>
            <FormHelperText>
              <HelperText id={`${uriId}-help`}>
                {uriNote ? (
                  <HelperTextItem
                    variant={uriNote.error ? 'error' : 'success'}
                    role={uriNote.error ? 'alert' : 'status'}
                  >
                    {uriNote.text}
                  </HelperTextItem>
                ) : (
                  <HelperTextItem>Paste a URI and Fill to fill the fields below.</HelperTextItem>
                )}
              </HelperText>
            </FormHelperText>
          </FormGroup>
          {field('name', 'Name', { required: true })}
          {field('address', 'Address', { required: true })}
          {field('port', 'Port', { type: 'number', required: true })}
          {field('user', 'User', { required: true })}
          <FormGroup role="radiogroup" isInline fieldId={`${id}-auth`} label="Authentication">
            {AUTH_KINDS.map(([kind, label]) => (
              <Radio
                key={kind}
                id={`${id}-auth-${kind}`}
                name={`${id}-auth`}
                label={label}
                isChecked={f.auth === kind}
                onChange={() => set({ auth: kind })}
              />
            ))}
          </FormGroup>
          {f.auth === 'key' && (
            <>
              {field('keyPath', 'Key file path', {
                placeholder: '~/.ssh/id_ed25519',
                required: true,
                hint: 'A private key on the computer running Corral; it never leaves it.',
              })}
              {field('passphrase', 'Passphrase', {
                type: 'password',
                placeholder: keepHint ?? 'Only if the key is encrypted',
              })}
            </>
          )}
          {f.auth === 'password' &&
            field('password', 'Password', { type: 'password', placeholder: keepHint })}
          {problems > 0 && (
            <Alert
              variant="danger"
              isInline
              isPlain
              role="alert"
              title={
                problems === 1
                  ? 'One field needs a fix before the host can be saved.'
                  : `${problems} fields need a fix before the host can be saved.`
              }
            />
          )}
          {error && problems === 0 && (
            <Alert variant="danger" isInline role="alert" title={error}>
              Nothing was saved. Correct the fields above and try again.
            </Alert>
          )}
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={busy} isLoading={busy}>
              {host ? 'Save' : 'Add host'}
            </Button>
            <Button variant="link" onClick={onCancel}>
              Cancel
            </Button>
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
  );
}
