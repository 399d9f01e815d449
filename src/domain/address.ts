/** A mail address with its display name, as a header or a forwarded mail gives it. */
export interface Address {
  address: string;
  name: string;
}
