import { ToggleGroup, ToggleGroupItem } from '@patternfly/react-core';
import type { TopologyMode } from './use-topology-mode';

/** Tree or map: the two views of the same inventory. */
export function TopologyModeToggle({
  mode,
  onChange,
}: {
  mode: TopologyMode;
  onChange: (mode: TopologyMode) => void;
}) {
  return (
    <ToggleGroup aria-label="Show the topology as">
      <ToggleGroupItem
        text="Tree"
        buttonId="topology-mode-tree"
        isSelected={mode === 'tree'}
        onChange={() => onChange('tree')}
      />
      <ToggleGroupItem
        text="Map"
        buttonId="topology-mode-map"
        isSelected={mode === 'map'}
        onChange={() => onChange('map')}
      />
    </ToggleGroup>
  );
}
