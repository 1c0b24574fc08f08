import type { ClusterPreview } from '../../../api/clusters-api';
import { ResourceBar } from '../topology/resource-bar';
import { previewHostRows, previewNodeRows } from './preview-rows';

/** Where each node lands, and each host's capacity before → after; text first, bars repeat it. */
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
      <h3>Placement preview</h3>
      <table className="clusters-table" aria-label="Nodes in the preview">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Host</th>
            <th scope="col">Addresses</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.name} data-testid={`preview-node-${n.name}`}>
              <th scope="row">{n.name}</th>
              <td>{n.host}</td>
              <td>{n.addresses}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="clusters-table" aria-label="Host capacity in the preview">
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">New nodes</th>
            <th scope="col">Memory used</th>
            <th scope="col">Free memory</th>
            <th scope="col">CPU</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((h) => (
            <tr key={h.hostId} data-testid={`preview-host-${h.host}`}>
              <th scope="row">{h.host}</th>
              <td>{h.nodesText}</td>
              <td>
                <ResourceBar
                  label={`Memory used on ${h.host} after`}
                  percent={h.memoryPercentAfter}
                  text={h.memoryText}
                />
              </td>
              <td>{h.freeText}</td>
              <td>
                <ResourceBar label={`CPU on ${h.host}`} percent={h.cpuPercent} text={h.cpuText} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
