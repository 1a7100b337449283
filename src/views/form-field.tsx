import type { Child } from "hono/jsx";

// A labelled form field with its help text and, when refused, the reason right beside it (in the
// user's language), tied to the input with aria-describedby.

/** Field name → message, shown next to the field; "form" for the form as a whole. */
export type FieldErrors = Record<string, string>;

export function Field(props: { id: string; label: string; help?: string; error?: string; children?: Child }) {
  return (
    <div class={`field${props.error ? " invalid" : ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      ) : null}
      {props.help ? (
        <p class="help" id={`${props.id}-help`}>
          {props.help}
        </p>
      ) : null}
    </div>
  );
}

/** The aria attributes of an input inside a Field. */
export function aria(id: string, opts: { help?: boolean; error?: string }) {
  return {
    "aria-describedby": [opts.help && `${id}-help`, opts.error && `${id}-error`].filter(Boolean).join(" ") || undefined,
    "aria-invalid": opts.error ? "true" : undefined,
  };
}
