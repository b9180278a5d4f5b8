/**
 * Page sizes of GET /api/api-keys. Imports nothing, so the browser client can use them
 * without pulling zod or server code into its bundle.
 */
export const LIST_PAGE_DEFAULT = 100;
export const LIST_PAGE_MAX = 500;
