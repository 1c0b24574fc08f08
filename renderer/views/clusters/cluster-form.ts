import { ClusterSpec, type NicSpec } from '../../../api/clusters-api';
import {
  initialPlacement,
  placementChoice,
  toNumber,
  type PlacementFields,
} from './placement-fields';

/** One network interface row of the wizard. */
export interface NicFields {
  kind: NicSpec['source']['kind'];
  /** The bridge or network name. */
  source: string;
  cidr: string;
  first: string;
  last: string;
  gateway: string;
}

/** The wizard's inputs exactly as typed. */
export interface ClusterFields {
  name: string;
  nodes: string;
  vcpus: string;
  memoryMiB: string;
  diskGiB: string;
  /** Ceilings a running node can grow to; empty takes the server's default. */
  maxMemoryMiB: string;
  maxVcpus: string;
  image: string;
  nics: NicFields[];
  placement: PlacementFields;
  sshKeys: string;
  /** How root signs in on the serial console; the password is typed twice. */
  console: ConsoleFields;
}

export interface ConsoleFields {
  kind: 'autologin' | 'password';
  password: string;
  repeat: string;
}

export const initialConsole: ConsoleFields = { kind: 'autologin', password: '', repeat: '' };

export const emptyNic: NicFields = {
  kind: 'bridge',
  source: '',
  cidr: '',
  first: '',
  last: '',
  gateway: '',
};

export const initialClusterFields: ClusterFields = {
  name: '',
  nodes: '2',
  vcpus: '1',
  memoryMiB: '512',
  diskGiB: '4',
  maxMemoryMiB: '',
  maxVcpus: '',
  image: '',
  nics: [emptyNic],
  placement: initialPlacement,
  sshKeys: '',
  console: initialConsole,
};

/**
 * Where an error shows: a key per input. NIC inputs are `nics.<i>.<field>`, threshold inputs
 * `placement.maxCpuPercent` / `placement.maxMemoryPercent`, anything else `form`.
 */
export type FieldErrors = Record<string, string>;

export type SpecResult = { ok: true; spec: ClusterSpec } | { ok: false; errors: FieldErrors };

const TOP_FIELDS = new Set([
  'name',
  'nodes',
  'vcpus',
  'memoryMiB',
  'diskGiB',
  'maxMemoryMiB',
  'maxVcpus',
  'image',
]);
const NIC_FIELDS = new Set(['cidr', 'first', 'last', 'gateway']);

/** The key of the input a schema issue belongs to. */
export function errorKey(path: ReadonlyArray<PropertyKey>): string {
  const [head, i, part, leaf] = path;
  if (typeof head === 'string' && TOP_FIELDS.has(head)) return head;
  if (head === 'sshAuthorizedKeys') return 'sshKeys';
  if (head === 'console') return 'console.password';
  if (head === 'placement') {
    return i === 'maxCpuPercent' || i === 'maxMemoryPercent' ? `placement.${i}` : 'form';
  }
  if (head === 'nics' && typeof i === 'number') {
    if (part === 'source') return `nics.${i}.source`;
    if (part === 'addresses' && typeof leaf === 'string' && NIC_FIELDS.has(leaf)) {
      return `nics.${i}.${leaf}`;
    }
    if (part === 'addresses') return `nics.${i}.cidr`;
  }
  if (head === 'nics') return 'nics';
  return 'form';
}

function nicSpec(n: NicFields): NicSpec {
  const name = n.source.trim();
  const gateway = n.gateway.trim();
  return {
    source:
      n.kind === 'bridge' ? { kind: 'bridge', bridge: name } : { kind: 'network', network: name },
    addresses: {
      cidr: n.cidr.trim(),
      first: n.first.trim(),
      last: n.last.trim(),
      ...(gateway ? { gateway } : {}),
    },
  };
}

/** Whole numbers only: "3.5" or "" is an error of its own, before the schema's range checks. */
function wholeNumber(text: string): number {
  const n = toNumber(text);
  return Number.isInteger(n) ? n : Number.NaN;
}

/** An optional whole number: empty leaves it out (the server's default applies). */
function optionalWhole(text: string): number | undefined {
  return text.trim() === '' ? undefined : wholeNumber(text);
}

/** The SSH keys box: one key per non-empty line. */
export function sshKeyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * The wizard's inputs as the contract's ClusterSpec, validated by the contract's own schema; each
 * problem keyed to the input it belongs to, so the form shows it next to that input.
 */
export function toClusterSpec(f: ClusterFields): SpecResult {
  const candidate = {
    name: f.name.trim(),
    nodes: wholeNumber(f.nodes),
    vcpus: wholeNumber(f.vcpus),
    memoryMiB: wholeNumber(f.memoryMiB),
    diskGiB: wholeNumber(f.diskGiB),
    maxMemoryMiB: optionalWhole(f.maxMemoryMiB),
    maxVcpus: optionalWhole(f.maxVcpus),
    nics: f.nics.map(nicSpec),
    image: f.image,
    placement: placementChoice(f.placement),
    sshAuthorizedKeys: sshKeyLines(f.sshKeys),
    console: consoleChoice(f.console),
  };
  const parsed = ClusterSpec.safeParse(candidate);
  const errors: FieldErrors = {};
  // The repeat never leaves the form: it only guards against a typo the user could not see.
  if (f.console.kind === 'password' && f.console.repeat !== f.console.password) {
    errors['console.repeat'] = 'the two passwords differ';
  }
  if (parsed.success) {
    return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, spec: parsed.data };
  }
  for (const issue of parsed.error.issues) {
    const key = errorKey(issue.path);
    errors[key] ??= issueText(key, issue.message, f);
  }
  return { ok: false, errors };
}

/** The console choice as the contract takes it (core keeps only the password's hash). */
function consoleChoice(c: ConsoleFields): ClusterSpec['console'] {
  return c.kind === 'password' ? { kind: 'password', password: c.password } : { kind: 'autologin' };
}

/** What was typed in the input a key names ('' when nothing). */
function rawValue(key: string, f: ClusterFields): string {
  const [head, i, leaf] = key.split('.');
  if (head === 'nics' && i !== undefined && leaf !== undefined) {
    const nic = f.nics[Number(i)];
    if (!nic) return '';
    return leaf === 'source' ? nic.source : String(nic[leaf as keyof NicFields] ?? '');
  }
  if (head === 'name') return f.name;
  if (head === 'console') return f.console.password;
  return 'x';
}

/** Friendlier words for the messages people hit most: an empty input, a non-number, no image. */
function issueText(key: string, message: string, f: ClusterFields): string {
  if (/received NaN|expected number/i.test(message)) {
    return key.startsWith('placement.') ? 'enter a number from 0 to 100' : 'enter a whole number';
  }
  if (key === 'image' && !f.image) return 'choose a base image';
  if (key === 'console.password' && f.console.password === '') {
    return 'enter a console password of at least 8 characters';
  }
  if (rawValue(key, f).trim() === '') {
    if (key.endsWith('.source')) {
      const kind = f.nics[Number(key.split('.')[1])]?.kind ?? 'bridge';
      return `enter the ${kind} name`;
    }
    return 'required';
  }
  return message;
}

/** The hint under a ceiling input: what it does, and what an empty one means for the size typed. */
export function ceilingHint(size: string, unit: string, what: string): string {
  const t = size.trim();
  const twice = /^\d+$/.test(t) ? ` (${2 * Number(t)}${unit ? ` ${unit}` : ''})` : '';
  return `A running node grows live up to this. Empty: twice the ${what}${twice}, capped by the host.`;
}
