import { DescriptionList, Title } from '@patternfly/react-core';
import { TimeAgo } from '../../app/time-ago';
import { LoadChart } from './charts/load-charts';
import { formatKiB } from './resource-bar';
import { HostStateLabel } from './topology-row';
import { hostLabel } from './topology-rows';
import { useTopologyStore } from './topology-store';
import { DetailsFrame, Fact } from './vm-details';

/** A host's facts and its load over the last minutes. */
export function HostDetails({ hostId }: { hostId: string }) {
  const facts = useTopologyStore((s) => s.inventory.hosts[hostId]);
  const names = useTopologyStore((s) => s.hostNames);
  const selectHost = useTopologyStore((s) => s.selectHost);
  const vmCount = useTopologyStore(
    (s) => Object.values(s.inventory.vms).filter((v) => v.hostId === hostId).length,
  );
  const label = hostLabel(hostId, facts, names);
  const subject = { kind: 'host', hostId } as const;
  const used = facts ? facts.memoryKiB - facts.freeMemoryKiB : 0;
  return (
    <DetailsFrame
      id={`host-details-${hostId}`}
      title={`Details of host ${label}`}
      testId="host-details"
      onClose={() => selectHost(undefined)}
    >
      <DescriptionList isCompact isHorizontal>
        <Fact term="State">
          <HostStateLabel facts={facts} testId="host-details-state" />
        </Fact>
        {facts && (
          <>
            <Fact term="Hostname">{facts.hostname}</Fact>
            <Fact term="CPUs">{facts.cpus}</Fact>
            <Fact term="Memory">
              {formatKiB(used)} used of {formatKiB(facts.memoryKiB)}
            </Fact>
            <Fact term="libvirt">{facts.libvirtVersion}</Fact>
            <Fact term="Updated">
              <TimeAgo when={facts.updatedAt} />
            </Fact>
            {facts.staleReason && <Fact term="Why unreachable">{facts.staleReason}</Fact>}
          </>
        )}
        <Fact term="VMs">{vmCount}</Fact>
      </DescriptionList>
      <Title headingLevel="h3" size="md">
        Load
      </Title>
      <LoadChart subject={subject} metric="cpu" title={`CPU of ${label}`} testId="host-chart-cpu" />
      <LoadChart
        subject={subject}
        metric="memory"
        title={`Memory of ${label}`}
        maxKiB={facts?.memoryKiB}
        testId="host-chart-memory"
      />
    </DetailsFrame>
  );
}
