import { Progress, ProgressMeasureLocation, ProgressSize, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { ClusterPreview } from '../../../api/clusters-api';
import { previewHostRows, previewNodeRows } from './preview-rows';

/** A host's load as a small bar with its figures as text beside it, never only as a bar. */
function Load({ label, percent, text }: { label: string; percent: number; text: string }) {
  const value = Math.max(0, Math.min(100, percent));
  return (
    <Progress
      aria-label={label}
      value={value}
      valueText={text}
      label={text}
      size={ProgressSize.sm}
      measureLocation={ProgressMeasureLocation.outside}
      variant={value >= 90 ? 'danger' : value >= 70 ? 'warning' : undefined}
    />
  );
}

/** Where each node lands, and each host's capacity before → after. */
export function PreviewTable({
  preview,
  hostNames,
}: {
  preview: ClusterPreview;
  hostNames?: ReadonlyMap<string, string>;
}) {
  const nodes = previewNodeRows(preview, hostNames);
  const hosts = previewHostRows(preview);
  return (
    <section className="clusters-preview" aria-label="Placement preview">
      <Title headingLevel="h3">Placement preview</Title>
      <Table role="table" variant="compact" aria-label="Nodes in the preview">
        <Thead>
          <Tr>
            <Th>Node</Th>
            <Th>Host</Th>
            <Th>Addresses</Th>
          </Tr>
        </Thead>
        <Tbody>
          {nodes.map((n) => (
            <Tr key={n.name} data-testid={`preview-node-${n.name}`}>
              <Th scope="row" dataLabel="Node">
                {n.name}
              </Th>
              <Td dataLabel="Host">{n.host}</Td>
              <Td dataLabel="Addresses">{n.addresses}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Table role="table" variant="compact" aria-label="Host capacity in the preview">
        <Thead>
          <Tr>
            <Th>Host</Th>
            <Th>New nodes</Th>
            <Th>Memory used</Th>
            <Th>Free memory</Th>
            <Th>CPU</Th>
          </Tr>
        </Thead>
        <Tbody>
          {hosts.map((h) => (
            <Tr key={h.hostId} data-testid={`preview-host-${h.host}`}>
              <Th scope="row" dataLabel="Host">
                {h.host}
              </Th>
              <Td dataLabel="New nodes">{h.nodesText}</Td>
              <Td dataLabel="Memory used">
                <Load
                  label={`Memory used on ${h.host} after`}
                  percent={h.memoryPercentAfter}
                  text={h.memoryText}
                />
              </Td>
              <Td dataLabel="Free memory">{h.freeText}</Td>
              <Td dataLabel="CPU">
                <Load label={`CPU on ${h.host}`} percent={h.cpuPercent} text={h.cpuText} />
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </section>
  );
}
