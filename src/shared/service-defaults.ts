/**
 * The values a service's `config` falls back to: the server applies them, the web form starts
 * from them. Imports nothing, so the browser bundle can use them.
 */
export const DEFAULT_AWS_REGION = "us-east-1";
export const DEFAULT_CUSTOM_HEADER_NAME = "Authorization";
export const DEFAULT_CUSTOM_HEADER_PREFIX = "Bearer ";
