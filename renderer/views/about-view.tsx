import {
  Alert,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  List,
  ListItem,
  PageSection,
  Skeleton,
  Title,
} from '@patternfly/react-core';
import { useEffect, useState } from 'react';
import type { AdminNotice, SystemInfo } from '../../api/corral-api';
import { useClient } from '../app/client-context';
import { TimeAgo } from '../app/time-ago';

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
    <PageSection
      aria-labelledby="view-title"
      component="section"
      padding={{ default: 'noPadding' }}
    >
      <Title headingLevel="h1" id="view-title">
        About Corral
      </Title>
      {error && (
        <Alert variant="danger" isInline title="Could not read system information" role="alert">
          {error}. Reload the page; if it persists, the Corral process may have stopped.
        </Alert>
      )}
      {!info && !error && <Skeleton width="60%" screenreaderText="Loading system information" />}
      {info && (
        <DescriptionList isHorizontal className="corral-about-facts">
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
        </DescriptionList>
      )}
      {notices.length > 0 && (
        <section aria-labelledby="about-notices-title" className="corral-about-notices">
          <Title headingLevel="h2" id="about-notices-title">
            What Corral did on its own
          </Title>
          <List data-testid="about-notices">
            {notices.map((n, i) => (
              <ListItem key={i}>
                <TimeAgo when={n.at} />: {n.message}
              </ListItem>
            ))}
          </List>
        </section>
      )}
    </PageSection>
  );
}

function Fact({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <DescriptionListGroup>
      <DescriptionListTerm id={`about-${id}-label`}>{label}</DescriptionListTerm>
      <DescriptionListDescription aria-labelledby={`about-${id}-label`} data-testid={`about-${id}`}>
        {value}
      </DescriptionListDescription>
    </DescriptionListGroup>
  );
}
