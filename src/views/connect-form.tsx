import { aria, Field } from "./form-field";
import { CsrfField, type Frame } from "./layout";

// The 連携する form of one mall: a button that leaves for the mall's consent page. Shopify asks
// for the shop domain first and Yahoo for the ストアアカウント (its ID連携 does not say which
// store consented); 再連携 of an existing shop needs neither (the stored one is used).

export interface ConnectFormState {
  available: boolean;
  /** What the merchant typed, drawn back after a refusal. */
  value?: string;
  name?: string;
  error?: string;
}

export const CONNECT_FIELD: Record<string, "shopDomain" | "sellerId" | undefined> = { shopify: "shopDomain", yahoo: "sellerId" };

export function ConnectForm(props: { frame: Frame; kind: string; mall: string; state?: ConnectFormState; shopId?: number; withName?: boolean }) {
  const { t, session } = props.frame;
  const field = props.shopId ? undefined : CONNECT_FIELD[props.kind];
  const id = `connect-${props.kind}-${field ?? "x"}`;
  const error = props.state?.error;
  return (
    <form method="post" action={`/shops/connect/${props.kind}`} class="stack form-narrow connect-form">
      <CsrfField session={session} />
      {props.shopId ? <input type="hidden" name="shopId" value={String(props.shopId)} /> : null}
      {props.withName && !props.shopId ? (
        <Field id={`connect-${props.kind}-name`} label={t("connect.field.name")}>
          <input id={`connect-${props.kind}-name`} name="name" type="text" maxlength={100} value={props.state?.name ?? ""} />
        </Field>
      ) : null}
      {field ? (
        <Field id={id} label={t(`connect.field.${field}`)} help={t(`connect.help.${field}`)} error={error}>
          <input id={id} name={field} type="text" required spellcheck={false} autocomplete="off" value={props.state?.value ?? ""} {...aria(id, { help: true, error })} />
        </Field>
      ) : null}
      <p>
        <button type="submit" class="primary">
          {props.shopId ? t("connect.reconnectButton", { mall: props.mall }) : t("connect.button", { mall: props.mall })}
        </button>
      </p>
    </form>
  );
}
