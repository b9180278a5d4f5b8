/** Whoever a secret and its data key belong to; teams share keys, so owners are not only users. */
export interface OwnerRef {
  type: "user" | "team";
  id: string;
}
