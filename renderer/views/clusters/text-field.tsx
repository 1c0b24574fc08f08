import { useId } from 'react';

/** An input's error, shown next to it as text; the input points at it with aria-describedby. */
export function FieldError({ id, text }: { id: string; text?: string }) {
  if (!text) return null;
  return (
    <span id={id} className="clusters-field-error">
      {text}
    </span>
  );
}

/** A labelled text input with its error below it and tied to it. */
export function TextField({
  label,
  value,
  error,
  numeric,
  placeholder,
  onChange,
}: {
  label: string;
  value: string;
  error?: string;
  numeric?: boolean;
  placeholder?: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  // The error sits outside the <label> so the input's accessible name stays just `label`.
  return (
    <div className="clusters-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        inputMode={numeric ? 'numeric' : undefined}
        value={value}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldError id={`${id}-err`} text={error} />
    </div>
  );
}
