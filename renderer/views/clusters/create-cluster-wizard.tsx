import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  FormSection,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalHeader,
  Radio,
  TextArea,
} from '@patternfly/react-core';
import { MinusCircleIcon, PlusCircleIcon } from '@patternfly/react-icons';
import { useId, useState, type FormEvent } from 'react';
import type { ClusterPreview, ClusterSpec, Operation } from '../../../api/clusters-api';
import {
  ceilingHint,
  emptyNic,
  initialClusterFields,
  toClusterSpec,
  type ClusterFields,
  type ConsoleFields,
  type FieldErrors,
  type NicFields,
} from './cluster-form';
import type { ClustersViewClient } from './clusters-client';
import type { ImageOption } from './image-options';
import { PlacementInputs } from './placement-inputs';
import { PreviewTable } from './preview-table';
import { FieldHelp, TextField } from './text-field';

const MAX_NICS = 4;

/**
 * "New cluster", a form in a PatternFly modal: every input of ClusterSpec, validated by the
 * contract's schema with errors under the inputs. "Preview placement" asks core where the nodes
 * would land; "Create cluster" is only enabled for the inputs of a successful preview: any change
 * invalidates it. Nothing is created before that click.
 */
export function CreateClusterWizard({
  client,
  images,
  imagesError,
  hostNames,
  initial = initialClusterFields,
  onCreated,
  onCancel,
}: {
  client: ClustersViewClient;
  images: readonly ImageOption[];
  imagesError?: string;
  hostNames?: ReadonlyMap<string, string>;
  initial?: ClusterFields;
  onCreated: (op: Operation) => void;
  onCancel: () => void;
}) {
  const [f, setF] = useState<ClusterFields>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  /** The preview and the exact spec it was made for. */
  const [previewed, setPreviewed] = useState<{ key: string; preview: ClusterPreview }>();
  const [busy, setBusy] = useState<'preview' | 'create'>();
  const [failure, setFailure] = useState<string>();
  const headingId = useId();

  const change = (patch: Partial<ClusterFields>) => {
    setF((old) => ({ ...old, ...patch }));
    setPreviewed(undefined);
    setFailure(undefined);
  };
  const changeNic = (i: number, patch: Partial<NicFields>) =>
    change({ nics: f.nics.map((n, j) => (j === i ? { ...n, ...patch } : n)) });

  const current = toClusterSpec(f);
  const currentKey = current.ok ? JSON.stringify(current.spec) : undefined;
  const previewIsCurrent = previewed !== undefined && previewed.key === currentKey;

  const validate = (): ClusterSpec | undefined => {
    setErrors(current.ok ? {} : current.errors);
    return current.ok ? current.spec : undefined;
  };

  const preview = async (e?: FormEvent) => {
    e?.preventDefault();
    const spec = validate();
    if (!spec) return;
    const key = JSON.stringify(spec);
    setBusy('preview');
    setFailure(undefined);
    try {
      const result = await client.clusters.preview(spec);
      setPreviewed({ key, preview: result });
    } catch (err) {
      setPreviewed(undefined);
      setFailure((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  const create = async () => {
    const spec = validate();
    if (!spec || !previewIsCurrent) return;
    setBusy('create');
    setFailure(undefined);
    try {
      // The preview's plan id: core builds exactly the placement shown, not a new plan.
      onCreated(await client.clusters.create({ ...spec, planId: previewed.preview.planId }));
    } catch (err) {
      setFailure((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Modal isOpen variant="large" aria-labelledby={headingId} onClose={onCancel}>
      <ModalHeader title="New cluster" labelId={headingId} />
      <ModalBody>
        <Form
          className="clusters-wizard"
          aria-labelledby={headingId}
          noValidate
          onSubmit={(e) => void preview(e)}
        >
          {/* Titled "Size and image", not "Nodes": a group named like an input would share its label. */}
          <FormSection title="Size and image" titleElement="h3">
            <div className="clusters-grid">
              <TextField
                label="Name"
                value={f.name}
                error={errors.name}
                placeholder="e.g. mpi-lab"
                onChange={(name) => change({ name })}
              />
              <TextField
                numeric
                label="Nodes"
                value={f.nodes}
                error={errors.nodes}
                onChange={(nodes) => change({ nodes })}
              />
              <TextField
                numeric
                label="vCPUs per node"
                value={f.vcpus}
                error={errors.vcpus}
                onChange={(vcpus) => change({ vcpus })}
              />
              <TextField
                numeric
                label="Memory (MiB)"
                value={f.memoryMiB}
                error={errors.memoryMiB}
                onChange={(memoryMiB) => change({ memoryMiB })}
              />
              <TextField
                numeric
                label="Disk (GiB)"
                value={f.diskGiB}
                error={errors.diskGiB}
                onChange={(diskGiB) => change({ diskGiB })}
              />
              <TextField
                numeric
                label="Maximum memory (MiB, optional)"
                value={f.maxMemoryMiB}
                error={errors.maxMemoryMiB}
                hint={ceilingHint(f.memoryMiB, 'MiB', 'memory')}
                onChange={(maxMemoryMiB) => change({ maxMemoryMiB })}
              />
              <TextField
                numeric
                label="Maximum vCPUs (optional)"
                value={f.maxVcpus}
                error={errors.maxVcpus}
                hint={ceilingHint(f.vcpus, '', 'vCPUs')}
                onChange={(maxVcpus) => change({ maxVcpus })}
              />
              <ImageSelect
                value={f.image}
                options={images}
                loadError={imagesError}
                error={errors.image}
                onChange={(image) => change({ image })}
              />
            </div>
          </FormSection>

          <FormSection title="Network interfaces" titleElement="h3">
            <p className="clusters-muted">
              The first interface&apos;s addresses name the nodes in /etc/hosts and the MPI
              hostfile.
            </p>
            {f.nics.map((nic, i) => (
              <NicRow
                key={i}
                index={i}
                nic={nic}
                errors={errors}
                canRemove={f.nics.length > 1}
                onChange={(patch) => changeNic(i, patch)}
                onRemove={() => change({ nics: f.nics.filter((_, j) => j !== i) })}
              />
            ))}
            <FieldHelp id={`${headingId}-nics`} error={errors.nics} />
            <div>
              <Button
                variant="link"
                icon={<PlusCircleIcon />}
                isDisabled={f.nics.length >= MAX_NICS}
                onClick={() => change({ nics: [...f.nics, emptyNic] })}
              >
                Add interface
              </Button>
            </div>
          </FormSection>

          <PlacementInputs
            value={f.placement}
            errors={errors}
            onChange={(placement) => change({ placement })}
          />

          <FormSection title="Access" titleElement="h3">
            <FormGroup label="SSH public key (optional)" fieldId={`${headingId}-keys-input`}>
              <TextArea
                id={`${headingId}-keys-input`}
                rows={3}
                value={f.sshKeys}
                placeholder="ssh-ed25519 AAAA… you@laptop (one key per line)"
                validated={errors.sshKeys ? 'error' : 'default'}
                aria-invalid={errors.sshKeys ? true : undefined}
                aria-describedby={errors.sshKeys ? `${headingId}-keys` : undefined}
                onChange={(_e, sshKeys) => change({ sshKeys })}
              />
              <FieldHelp id={`${headingId}-keys`} error={errors.sshKeys} />
            </FormGroup>
            <ConsoleInputs
              value={f.console}
              errors={errors}
              onChange={(console) => change({ console })}
            />
          </FormSection>

          {errors.form && <FieldHelp id={`${headingId}-form`} error={errors.form} />}
          {failure && (
            <Alert
              isInline
              variant="danger"
              role="alert"
              title="The placement could not be previewed or the cluster created"
            >
              {failure}
            </Alert>
          )}

          {previewIsCurrent && <PreviewTable preview={previewed.preview} hostNames={hostNames} />}

          <ActionGroup>
            <Button type="submit" variant="secondary" isDisabled={busy !== undefined}>
              {busy === 'preview' ? 'Previewing…' : 'Preview placement'}
            </Button>
            <Button
              variant="primary"
              isDisabled={!previewIsCurrent || busy !== undefined}
              onClick={() => void create()}
            >
              {busy === 'create' ? 'Creating…' : 'Create cluster'}
            </Button>
            <Button variant="link" onClick={onCancel}>
              Cancel
            </Button>
            {!previewIsCurrent && (
              <span className="clusters-muted">
                Preview the placement of these inputs to create.
              </span>
            )}
          </ActionGroup>
        </Form>
      </ModalBody>
    </Modal>
  );
}

/**
 * How the owner signs in on the nodes' serial console: root signed in automatically (the default)
 * or a password the owner sets, typed twice. Only its hash is stored or reaches a node.
 */
function ConsoleInputs({
  value,
  errors,
  onChange,
}: {
  value: ConsoleFields;
  errors: FieldErrors;
  onChange: (next: ConsoleFields) => void;
}) {
  const id = useId();
  const set = (patch: Partial<ConsoleFields>) => onChange({ ...value, ...patch });
  return (
    <>
      <FormGroup role="radiogroup" fieldId={`${id}-console`} label="Serial console sign-in">
        <Radio
          id={`${id}-autologin`}
          name={id}
          label="Sign in as root automatically"
          description="The console opens on a root shell. Only you, through Corral, and the administrators of the hosts your nodes run on can reach a node's console."
          isChecked={value.kind === 'autologin'}
          onChange={() => set({ kind: 'autologin' })}
        />
        <Radio
          id={`${id}-password`}
          name={id}
          label="Set a console password"
          description="The console asks for root's password. SSH stays key-only."
          isChecked={value.kind === 'password'}
          onChange={() => set({ kind: 'password' })}
        />
      </FormGroup>
      {value.kind === 'password' && (
        <div className="clusters-grid">
          <TextField
            password
            label="Console password"
            value={value.password}
            error={errors['console.password']}
            hint="At least 8 characters. Only its hash is kept and sent to the nodes."
            onChange={(password) => set({ password })}
          />
          <TextField
            password
            label="Repeat the console password"
            value={value.repeat}
            error={errors['console.repeat']}
            onChange={(repeat) => set({ repeat })}
          />
        </div>
      )}
    </>
  );
}

function ImageSelect({
  value,
  options,
  loadError,
  error,
  onChange,
}: {
  value: string;
  options: readonly ImageOption[];
  loadError?: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const known = options.some((o) => o.name === value);
  const problem = error ?? (loadError ? `could not list images: ${loadError}` : undefined);
  return (
    <FormGroup label="Base image" fieldId={id}>
      <FormSelect
        id={id}
        value={value}
        validated={problem ? 'error' : 'default'}
        aria-invalid={error ? true : undefined}
        aria-describedby={problem ? `${id}-err` : undefined}
        onChange={(_e, v) => onChange(v)}
      >
        <FormSelectOption
          value=""
          label={options.length === 0 ? 'No base image on an online host' : 'Choose…'}
        />
        {!known && value && (
          <FormSelectOption value={value} label={`${value} (not on an online host)`} />
        )}
        {options.map((o) => (
          <FormSelectOption key={o.name} value={o.name} label={o.label} />
        ))}
      </FormSelect>
      <FieldHelp id={`${id}-err`} error={problem} />
    </FormGroup>
  );
}

function NicRow({
  index,
  nic,
  errors,
  canRemove,
  onChange,
  onRemove,
}: {
  index: number;
  nic: NicFields;
  errors: FieldErrors;
  canRemove: boolean;
  onChange: (patch: Partial<NicFields>) => void;
  onRemove: () => void;
}) {
  const radio = useId();
  const n = index + 1;
  const err = (field: string) => errors[`nics.${index}.${field}`];
  return (
    <FormSection title={`Interface ${n}`} titleElement="h4" className="clusters-nic">
      <FormGroup role="radiogroup" isInline fieldId={`${radio}-kind`} label="Connects to">
        <Radio
          id={`${radio}-bridge`}
          name={radio}
          label="Bridge"
          isChecked={nic.kind === 'bridge'}
          onChange={() => onChange({ kind: 'bridge' })}
        />
        <Radio
          id={`${radio}-network`}
          name={radio}
          label="Network"
          isChecked={nic.kind === 'network'}
          onChange={() => onChange({ kind: 'network' })}
        />
      </FormGroup>
      <div className="clusters-grid">
        <TextField
          label={nic.kind === 'bridge' ? 'Bridge name' : 'Network name'}
          value={nic.source}
          error={err('source')}
          placeholder={nic.kind === 'bridge' ? 'br0' : 'default'}
          onChange={(source) => onChange({ source })}
        />
        <TextField
          label="Address pool (CIDR)"
          value={nic.cidr}
          error={err('cidr')}
          placeholder="10.0.0.0/24"
          onChange={(cidr) => onChange({ cidr })}
        />
        <TextField
          label="First address"
          value={nic.first}
          error={err('first')}
          onChange={(first) => onChange({ first })}
        />
        <TextField
          label="Last address"
          value={nic.last}
          error={err('last')}
          onChange={(last) => onChange({ last })}
        />
        <TextField
          label="Gateway (optional)"
          value={nic.gateway}
          error={err('gateway')}
          onChange={(gateway) => onChange({ gateway })}
        />
      </div>
      <div>
        <Button
          variant="link"
          isDanger
          icon={<MinusCircleIcon />}
          isDisabled={!canRemove}
          onClick={onRemove}
        >
          Remove interface {n}
        </Button>
      </div>
    </FormSection>
  );
}
