import { useEffect, useState } from 'react';
import type { NetworkPolicy } from '../../../api/networks-api';
import { useClient } from '../../app/client-context';
import { policyFields, policySummary, splitList } from './network-policy-text';

/**
 * The administrator's network policy: which bridges, libvirt networks and static address ranges
 * plain users may attach cluster nodes to. Core enforces it; this only reads and sets it.
 */
export function NetworkPolicyForm() {
  const client = useClient();
  const [saved, setSaved] = useState<NetworkPolicy>();
  const [fields, setFields] = useState({ bridges: '', networks: '', addressRanges: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    client.networks.policy({}).then(
      (p) => {
        if (!live) return;
        setSaved(p);
        setFields(policyFields(p));
      },
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const p = await client.networks.setPolicy({
        bridges: splitList(fields.bridges),
        networks: splitList(fields.networks),
        addressRanges: splitList(fields.addressRanges),
      });
      setSaved(p);
      setFields(policyFields(p));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const field = (key: keyof typeof fields, label: string, placeholder: string) => (
    <label>
      {label}
      <input
        value={fields[key]}
        placeholder={placeholder}
        disabled={busy}
        onChange={(e) => setFields((f) => ({ ...f, [key]: e.target.value }))}
      />
    </label>
  );

  return (
    <section aria-labelledby="networks-title" className="network-policy">
      <h2 id="networks-title">Networks</h2>
      <p className="muted">
        Plain users may attach cluster nodes only to the bridges and libvirt networks named here,
        with static addresses inside these ranges. Empty allows nothing; the administrator is not
        restricted. Separate names with commas or spaces.
      </p>
      <form
        aria-label="Network policy"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="network-policy-fields">
          {field('bridges', 'Allowed bridges', 'br0')}
          {field('networks', 'Allowed libvirt networks', 'default')}
          {field('addressRanges', 'Allowed address ranges (CIDR)', '10.213.0.128/25')}
        </div>
        <button type="submit" disabled={busy || !saved}>
          Save network policy
        </button>
      </form>
      {saved && (
        <p role="status" data-testid="network-policy-state">
          {policySummary(saved)}
        </p>
      )}
      {error && <p role="alert">Could not save the network policy: {error}</p>}
    </section>
  );
}
