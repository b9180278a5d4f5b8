/** The web's key checks bound to the server's own catalog, as the page gets it from GET /api/services. */
import { publicCatalog } from "../../src/services/index.js";
import { checkStringKey as checkWithCatalog } from "../../web/src/lib/key-format";
import type { ServiceId } from "../../web/src/keyhaven";

export const catalog = publicCatalog();

export function checkStringKey(service: Exclude<ServiceId, "aws">, raw: string) {
  return checkWithCatalog(service, raw, catalog);
}
