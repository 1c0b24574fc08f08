import { useId, useState, type FormEvent } from 'react';
import type { ClusterPreview, ClusterSpec, Operation } from '../../../api/clusters-api';
import {
  emptyNic,
  initialClusterFields,
  toClusterSpec,
  type ClusterFields,
  type FieldErrors,
  type NicFields,
} from './cluster-form';
import type { ClustersViewClient } from './clusters-client';
import type { ImageOption } from './image-options';
import { PlacementInputs } from './placement-inputs';
import { PreviewTable } from './preview-table';
import { FieldError, TextField } from './text-field';

const MAX_NICS = 4;

/**
 * "New cluster": every input of ClusterSpec, validated by the contract's schema with errors next to
 * the inputs. "Preview placement" asks core where the nodes would land; "Create cluster" is only
 * enabled for the inputs of a successful preview: any change invalidates it. Nothing is created
 * before that click.
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
      onCreated(await client.clusters.create(spec));
    } catch (err) {
      setFailure((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <form
      className="clusters-wizard"
      aria-labelledby={headingId}
      noValidate
      onSubmit={(e) => void preview(e)}
    >
      <h2 id={headingId}>New cluster</h2>
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
        <ImageSelect
          value={f.image}
          options={images}
          loadError={imagesError}
          error={errors.image}
          onChange={(image) => change({ image })}
        />
      </div>

      <fieldset className="clusters-nics">
        <legend>Network interfaces</legend>
        <p className="muted">
          The first interface&apos;s addresses name the nodes in /etc/hosts and the MPI hostfile.
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
        <FieldError id={`${headingId}-nics`} text={errors.nics} />
        <button
          type="button"
          disabled={f.nics.length >= MAX_NICS}
          onClick={() => change({ nics: [...f.nics, emptyNic] })}
        >
          Add interface
        </button>
      </fieldset>

      <PlacementInputs
        value={f.placement}
        errors={errors}
        onChange={(placement) => change({ placement })}
      />

      <div className="clusters-field clusters-wide">
        <label htmlFor={`${headingId}-keys-input`}>SSH public key (optional)</label>
        <textarea
          id={`${headingId}-keys-input`}
          rows={3}
          value={f.sshKeys}
          placeholder="ssh-ed25519 AAAA… you@laptop (one key per line)"
          aria-invalid={errors.sshKeys ? true : undefined}
          aria-describedby={errors.sshKeys ? `${headingId}-keys` : undefined}
          onChange={(e) => change({ sshKeys: e.target.value })}
        />
        <FieldError id={`${headingId}-keys`} text={errors.sshKeys} />
      </div>

      {errors.form && <p className="clusters-field-error">{errors.form}</p>}
      {failure && (
        <p role="alert" className="clusters-failure">
          {failure}
        </p>
      )}

      <div className="clusters-actions">
        <button type="submit" disabled={busy !== undefined}>
          {busy === 'preview' ? 'Previewing…' : 'Preview placement'}
        </button>
        <button
          type="button"
          disabled={!previewIsCurrent || busy !== undefined}
          onClick={() => void create()}
        >
          {busy === 'create' ? 'Creating…' : 'Create cluster'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {!previewIsCurrent && (
          <span className="muted">Preview the placement of these inputs to create.</span>
        )}
      </div>

      {previewIsCurrent && <PreviewTable preview={previewed.preview} hostNames={hostNames} />}
    </form>
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
  return (
    <div className="clusters-field">
      <label htmlFor={id}>Base image</label>
      <select
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || loadError ? `${id}-err` : undefined}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">
          {options.length === 0 ? 'No base image on an online host' : 'Choose…'}
        </option>
        {!known && value && <option value={value}>{value} (not on an online host)</option>}
        {options.map((o) => (
          <option key={o.name} value={o.name}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError
        id={`${id}-err`}
        text={error ?? (loadError ? `could not list images: ${loadError}` : undefined)}
      />
    </div>
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
    <fieldset className="clusters-nic">
      <legend>Interface {n}</legend>
      <div className="clusters-radios" role="radiogroup" aria-label={`Interface ${n} connects to`}>
        <label>
          <input
            type="radio"
            name={radio}
            checked={nic.kind === 'bridge'}
            onChange={() => onChange({ kind: 'bridge' })}
          />
          Bridge
        </label>
        <label>
          <input
            type="radio"
            name={radio}
            checked={nic.kind === 'network'}
            onChange={() => onChange({ kind: 'network' })}
          />
          Network
        </label>
      </div>
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
      <button type="button" disabled={!canRemove} onClick={onRemove}>
        Remove interface {n}
      </button>
    </fieldset>
  );
}
