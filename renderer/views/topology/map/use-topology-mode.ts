import { useCallback, useState } from 'react';

/** How the topology is shown: the tree of rows or the map. */
export type TopologyMode = 'tree' | 'map';

const KEY = 'corral.topology.mode';

/** The remembered mode (the tree when none is). */
export function storedTopologyMode(): TopologyMode {
  try {
    return localStorage.getItem(KEY) === 'map' ? 'map' : 'tree';
  } catch {
    return 'tree'; // storage can be disabled; the tree is the default
  }
}

/** The chosen mode, remembered across visits in this browser. */
export function useTopologyMode(): [TopologyMode, (mode: TopologyMode) => void] {
  const [mode, setMode] = useState<TopologyMode>(storedTopologyMode);
  const choose = useCallback((next: TopologyMode) => {
    setMode(next);
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Not remembered, still shown.
    }
  }, []);
  return [mode, choose];
}
