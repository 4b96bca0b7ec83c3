import type { ReactNode } from 'react';

/** A labelled control with an optional hint and an error, wired with aria-describedby. */
export function Field(props: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: (aria: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}) {
  const hintId = `${props.id}-hint`;
  const errorId = `${props.id}-error`;
  const describedBy =
    [props.error !== undefined ? errorId : undefined, props.hint !== undefined ? hintId : undefined]
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        'aria-invalid': props.error !== undefined,
        'aria-describedby': describedBy,
      })}
      {props.error !== undefined && (
        <p id={errorId} className="error">
          {props.error}
        </p>
      )}
      {props.hint !== undefined && (
        <p id={hintId} className="hint">
          {props.hint}
        </p>
      )}
    </div>
  );
}
