import {
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextInput,
} from '@patternfly/react-core';
import { useId, type ReactNode } from 'react';

/**
 * An input's error (or, without one, its hint) as PatternFly helper text under it; the input
 * points at it with aria-describedby, so the error is read with the field.
 */
export function FieldHelp({ id, error, hint }: { id: string; error?: string; hint?: ReactNode }) {
  if (!error && !hint) return null;
  return (
    <FormHelperText>
      <HelperText id={id}>
        <HelperTextItem variant={error ? 'error' : 'default'}>{error ?? hint}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

/** A labelled text input (PatternFly FormGroup) with its error or hint below it and tied to it. */
export function TextField({
  label,
  value,
  error,
  hint,
  numeric,
  password,
  placeholder,
  onChange,
}: {
  label: string;
  value: string;
  error?: string;
  hint?: ReactNode;
  numeric?: boolean;
  /** Typed text stays hidden and is never offered for autofill. */
  password?: boolean;
  placeholder?: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const described = error || hint ? `${id}-help` : undefined;
  // The help sits outside the <label>, so the input's accessible name stays just `label`.
  return (
    <FormGroup label={label} fieldId={id}>
      <TextInput
        id={id}
        type={password ? 'password' : 'text'}
        autoComplete={password ? 'new-password' : undefined}
        inputMode={numeric ? 'numeric' : undefined}
        value={value}
        placeholder={placeholder}
        validated={error ? 'error' : 'default'}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onChange={(_e, v) => onChange(v)}
      />
      <FieldHelp id={`${id}-help`} error={error} hint={hint} />
    </FormGroup>
  );
}
