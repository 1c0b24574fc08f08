import {
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Title,
} from '@patternfly/react-core';
import { TimesIcon } from '@patternfly/react-icons';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { ReactNode } from 'react';
import type { Vm } from '../../../api/inventory-api';
import { LoadChart } from './charts/load-charts';
import { formatKiB } from './resource-bar';
import { StateLabel } from './state-label';
import { hostLabel } from './topology-rows';
import { useTopologyStore } from './topology-store';
import { VmActionError, VmActions } from './vm-actions';
import { VmMigrateButton } from '../vm-ops/migrate-button';
import { VmResizeButton } from '../vm-ops/resize-buttons';
import { pendingText } from '../vm-ops/pending-text';
import { SnapshotsPanel } from '../vm-ops/snapshots-panel';

/** A details panel's frame: a complementary region named by its title, with a close button. */
export function DetailsFrame(props: {
  id: string;
  title: string;
  testId: string;
  onClose(): void;
  children: ReactNode;
}) {
  return (
    <aside className="vm-details" aria-labelledby={props.id} data-testid={props.testId}>
      <header>
        <Title headingLevel="h2" size="lg" id={props.id}>
          {props.title}
        </Title>
        <Button
          variant="plain"
          aria-label="Close details"
          icon={<TimesIcon />}
          onClick={props.onClose}
        />
      </header>
      {props.children}
    </aside>
  );
}

/** One term and its description. */
export function Fact(props: {
  term: string;
  children: ReactNode;
  testId?: string;
  mono?: boolean;
}) {
  return (
    <DescriptionListGroup>
      <DescriptionListTerm>{props.term}</DescriptionListTerm>
      <DescriptionListDescription
        data-testid={props.testId}
        className={props.mono ? 'mono' : undefined}
      >
        {props.children}
      </DescriptionListDescription>
    </DescriptionListGroup>
  );
}

/** Everything known about one VM: facts, load, disks, NICs with addresses, membership, actions. */
export function VmDetails({ vm }: { vm: Vm }) {
  const host = useTopologyStore((s) => s.inventory.hosts[vm.hostId]);
  const names = useTopologyStore((s) => s.hostNames);
  const ownerNames = useTopologyStore((s) => s.ownerNames);
  const select = useTopologyStore((s) => s.select);
  const subject = { kind: 'vm', hostId: vm.hostId, uuid: vm.uuid } as const;
  const m = vm.membership;
  const pending = pendingText(vm.pending);
  return (
    <DetailsFrame
      id={`vm-details-${vm.uuid}`}
      title={`Details of ${vm.name}`}
      testId="vm-details"
      onClose={() => select(undefined)}
    >
      <DescriptionList isCompact isHorizontal>
        <Fact term="State">
          <StateLabel vm={vm} testId="vm-details-state" />
        </Fact>
        <Fact term="Host">{hostLabel(vm.hostId, host, names)}</Fact>
        <Fact term="vCPUs" testId="vm-details-vcpus">
          {vm.maxVcpus === undefined ? vm.vcpus : `${vm.vcpus} of ${vm.maxVcpus}`}
        </Fact>
        <Fact term="Memory" testId="vm-details-memory">
          {formatKiB(vm.memoryKiB)} of {formatKiB(vm.maxMemoryKiB)}
        </Fact>
        {pending && (
          <Fact term="At next boot" testId="vm-details-pending">
            {pending}
          </Fact>
        )}
        <Fact term="CPU">
          {vm.cpuPercent === undefined ? '—' : `${Math.round(vm.cpuPercent)}%`}
        </Fact>
        <Fact term="Cluster" testId="vm-details-cluster">
          {m ? `${m.cluster} (node ${m.index}, owner ${ownerNames[m.owner] ?? m.owner})` : 'none'}
        </Fact>
        <Fact term="UUID" mono>
          {vm.uuid}
        </Fact>
      </DescriptionList>
      <VmActionError vm={vm} inline />
      <VmActions vm={vm} />
      <VmResizeButton vm={vm} host={host} />
      <VmMigrateButton vm={vm} />
      <SnapshotsPanel key={vm.uuid} vm={vm} />
      <Title headingLevel="h3" size="md">
        Load
      </Title>
      <LoadChart subject={subject} metric="cpu" title={`CPU of ${vm.name}`} testId="vm-chart-cpu" />
      <LoadChart
        subject={subject}
        metric="memory"
        title={`Memory of ${vm.name}`}
        maxKiB={vm.maxMemoryKiB}
        testId="vm-chart-memory"
      />
      <Title headingLevel="h3" size="md">
        Disks
      </Title>
      {vm.disks.length === 0 ? (
        <p>No disks.</p>
      ) : (
        <Table aria-label={`Disks of ${vm.name}`} variant="compact" role="table">
          <Thead>
            <Tr>
              <Th>Target</Th>
              <Th>Source</Th>
              <Th>Format</Th>
            </Tr>
          </Thead>
          <Tbody>
            {vm.disks.map((d) => (
              <Tr key={d.target}>
                <Td dataLabel="Target">
                  {d.device && d.device !== 'disk' ? `${d.target} (${d.device})` : d.target}
                </Td>
                <Td dataLabel="Source" className="mono" modifier="breakWord">
                  {d.source ?? '—'}
                </Td>
                <Td dataLabel="Format">{d.format ?? '—'}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      <Title headingLevel="h3" size="md">
        Network
      </Title>
      {vm.nics.length === 0 ? (
        <p>No network interfaces.</p>
      ) : (
        <Table aria-label={`Network interfaces of ${vm.name}`} variant="compact" role="table">
          <Thead>
            <Tr>
              <Th>MAC</Th>
              <Th>Attached to</Th>
              <Th>Model</Th>
              <Th>Addresses</Th>
            </Tr>
          </Thead>
          <Tbody>
            {vm.nics.map((n) => (
              <Tr key={n.mac}>
                <Td dataLabel="MAC" className="mono">
                  {n.mac}
                </Td>
                <Td dataLabel="Attached to">{n.source ?? '—'}</Td>
                <Td dataLabel="Model">{n.model ?? '—'}</Td>
                <Td dataLabel="Addresses" modifier="breakWord">
                  {n.addresses.length ? n.addresses.join(', ') : 'unknown'}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </DetailsFrame>
  );
}
