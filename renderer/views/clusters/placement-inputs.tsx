import { FormGroup, Radio } from '@patternfly/react-core';
import { useId } from 'react';
import type { PlacementChoice } from '../../../api/clusters-api';
import { PLACEMENT_LABELS, type PlacementFields } from './placement-fields';
import { TextField } from './text-field';

const KINDS: PlacementChoice['kind'][] = ['round-robin', 'first-fit', 'threshold'];

/** The placement radio group; Threshold adds its "Max CPU %" and "Max memory %" inputs. */
export function PlacementInputs({
  value,
  onChange,
  errors,
}: {
  value: PlacementFields;
  onChange: (next: PlacementFields) => void;
  errors: Record<string, string>;
}) {
  const name = useId();
  const set = (patch: Partial<PlacementFields>) => onChange({ ...value, ...patch });
  return (
    <>
      <FormGroup role="radiogroup" isInline fieldId={`${name}-placement`} label="Placement">
        {KINDS.map((kind) => (
          <Radio
            key={kind}
            id={`${name}-${kind}`}
            name={name}
            value={kind}
            label={PLACEMENT_LABELS[kind]}
            isChecked={value.kind === kind}
            onChange={() => set({ kind })}
          />
        ))}
      </FormGroup>
      {value.kind === 'threshold' && (
        <>
          <p className="clusters-muted">Skips hosts above either limit, from their live load.</p>
          <TextField
            numeric
            label="Max CPU %"
            value={value.maxCpuPercent}
            error={errors['placement.maxCpuPercent']}
            onChange={(maxCpuPercent) => set({ maxCpuPercent })}
          />
          <TextField
            numeric
            label="Max memory %"
            value={value.maxMemoryPercent}
            error={errors['placement.maxMemoryPercent']}
            onChange={(maxMemoryPercent) => set({ maxMemoryPercent })}
          />
        </>
      )}
    </>
  );
}
