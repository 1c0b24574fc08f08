import { useEffect, useState } from 'react';
import type { AdminNotice, SystemInfo } from '../../api/corral-api';
import { useClient } from '../app/client-context';

/** Shows what `system.info` returned, each value labelled for people and tests alike. */
export function AboutView() {
  const client = useClient();
  const [info, setInfo] = useState<SystemInfo>();
  const [error, setError] = useState<string>();
  const [notices, setNotices] = useState<AdminNotice[]>([]);

  useEffect(() => {
    client.system.info({}).then(setInfo, (err: Error) => setError(err.message));
    // Only the administrator may read notices; for everyone else the list stays empty.
    client.system.notices({}).then(setNotices, () => setNotices([]));
  }, [client]);

  return (
    <section aria-labelledby="view-title">
      <h1 id="view-title">About Corral</h1>
      {error && <p role="alert">Could not read system information: {error}</p>}
      {!info && !error && <p>Loading…</p>}
      {info && (
        <dl className="facts">
          <Fact id="corral-version" label="Corral version" value={info.corralVersion} />
          <Fact id="node-version" label="Node.js" value={info.nodeVersion} />
          <Fact id="platform" label="Platform" value={`${info.platform} (${info.arch})`} />
          <Fact id="shell" label="Running as" value={info.shell} />
          <Fact
            id="local-libvirt"
            label="Local libvirt"
            value={
              info.localLibvirt.reachable
                ? `reachable at ${info.localLibvirt.socketPath}`
                : `not reachable at ${info.localLibvirt.socketPath} (${info.localLibvirt.error ?? 'unknown'})`
            }
          />
        </dl>
      )}
      {notices.length > 0 && (
        <section aria-labelledby="about-notices-title">
          <h2 id="about-notices-title">What Corral did on its own</h2>
          <ul data-testid="about-notices">
            {notices.map((n, i) => (
              <li key={i}>
                <time dateTime={n.at}>{new Date(n.at).toLocaleString()}</time>: {n.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

function Fact({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <>
      <dt id={`about-${id}-label`}>{label}</dt>
      <dd aria-labelledby={`about-${id}-label`} data-testid={`about-${id}`}>
        {value}
      </dd>
    </>
  );
}
