import type { AccessRules } from './access';
import type { CorralApi } from './corral-api';

/**
 * Who may call each entry of the contract. Adding an entry to `corralApi` without a line here
 * does not compile. For `owner:*` entries the dispatcher's gate resolves the owner of what the
 * input names (core/accounts/authorization.ts), before any service code or host call.
 */
export const corralAccess: AccessRules<CorralApi> = {
  // What Corral set aside or cleaned up by itself is for the administrator.
  system: { info: 'signed-in', notices: 'admin' },
  // The theme applies before sign-in; changing it needs an account.
  settings: { get: 'public', update: 'signed-in', onChanged: 'public' },
  // How a connection becomes someone, and who it is.
  accounts: {
    signUp: 'public',
    logIn: 'public',
    logOut: 'public',
    me: 'public',
    // The administrator resolves every account's name; a user only their own (core decides).
    names: 'signed-in',
  },
  console: { open: 'owner:vm', sessions: 'signed-in' },
  hosts: {
    list: 'signed-in',
    add: 'admin',
    update: 'admin',
    remove: 'admin',
    trustKey: 'admin',
    replaceKey: 'admin',
    reconnect: 'admin',
    onChanged: 'signed-in',
  },
  // Filtered per user by core; a VM's load history only for its owner or the administrator.
  inventory: {
    snapshot: 'signed-in',
    onChanged: 'signed-in',
    history: 'signed-in',
    onSamples: 'signed-in',
  },
  vm: { act: 'owner:vm' },
  images: {
    list: 'signed-in',
    pools: 'signed-in',
    upload: 'admin',
    remove: 'admin',
    mark: 'admin',
    unmark: 'admin',
  },
  // Which bridges, networks and address ranges plain users may attach nodes to.
  networks: { policy: 'admin', setPolicy: 'admin' },
  clusters: {
    list: 'signed-in',
    preview: 'signed-in',
    create: 'signed-in',
    previewAddNodes: 'owner:cluster',
    addNodes: 'owner:cluster',
    remove: 'owner:cluster',
    // Domains of operations this Corral does not know: only the administrator sees or acts.
    listUnknown: 'admin',
    adoptUnknown: 'admin',
    removeUnknown: 'admin',
  },
  operations: {
    list: 'signed-in',
    cancel: 'owner:task',
    resume: 'owner:task',
    rollback: 'owner:task',
    onChanged: 'signed-in',
  },
  // Filtered per user by core: a plain user sees their own tasks, the administrator all.
  // Resizing needs the VM's or the cluster's owner (or the administrator).
  resize: { vm: 'owner:vm', cluster: 'owner:cluster' },
  tasks: {
    list: 'signed-in',
    get: 'owner:task',
    cancel: 'owner:task',
    resume: 'owner:task',
    rollback: 'owner:task',
    onChanged: 'signed-in',
  },
  // A VM's snapshots for its owner; a cluster's checkpoints for the cluster's owner.
  snapshots: {
    list: 'owner:vm',
    create: 'owner:vm',
    checkRevert: 'owner:vm',
    revert: 'owner:vm',
    remove: 'owner:vm',
  },
  checkpoints: {
    list: 'owner:cluster',
    create: 'owner:cluster',
    checkRevert: 'owner:cluster',
    revert: 'owner:cluster',
    remove: 'owner:cluster',
  },
  // Moving a VM is its owner's; spreading load across hosts is the administrator's.
  migration: { preflight: 'owner:vm', start: 'owner:vm' },
  balance: { preview: 'admin', apply: 'admin', auto: 'admin', setAuto: 'admin' },
  // A cluster's jobs are its owner's; a job (a task) is whoever started it.
  jobs: {
    upload: 'owner:cluster',
    start: 'owner:cluster',
    rerun: 'owner:task',
    list: 'owner:cluster',
    get: 'owner:task',
    watch: 'owner:task',
    output: 'owner:task',
    cancel: 'owner:task',
    remove: 'owner:task',
    onChanged: 'signed-in',
  },
};
