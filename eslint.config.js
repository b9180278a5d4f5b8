// `npm run lint` (and `npm test`): typescript-eslint's type-aware recommended rules over src/,
// web/, test/ and bench/, plus the layer boundaries (which folder may import what) as
// no-restricted-imports per folder. Each file gets its types from the nearest tsconfig.json.
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

/** Relative specifiers only climb (`../`): a path that leaves the folder and enters `dir`. */
const into = (dir) => `^(\\.\\./)+${dir}(/|$)`;

const HTTP_FRAMEWORK = {
  group: ["hono", "hono/*", "@hono/*"],
  message: "Domain code does not know HTTP: the framework belongs to src/http/.",
};

/** Domain folders: they sit between src/http/ (which calls them) and db/, crypto/, shared/, platform/. */
const DOMAINS = ["admin", "auth", "keys", "services", "usage", "limits", "key-test", "provider", "access", "tokens", "teams", "audit", "gateway", "backup", "rotation"];

export const boundaries = [
  {
    files: DOMAINS.map((d) => `src/${d}/**/*.{ts,tsx}`),
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: into("http"), message: "Domain code must not import src/http/: HTTP calls the domain, not the other way round." },
            HTTP_FRAMEWORK,
          ],
        },
      ],
    },
  },
  {
    files: ["src/crypto/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: into("db"), message: "src/crypto/ is pure: storage belongs to src/db/ and the stores that use it." },
            { group: ["kysely", "kysely/*", "pg", "pg/*", "better-sqlite3"], message: "src/crypto/ is pure: no database drivers." },
          ],
        },
      ],
    },
  },
  {
    files: ["src/shared/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            // Anything that climbs out of src/shared/, and any package but zod: the web app bundles these files.
            { regex: "^\\.\\./", message: "src/shared/ is browser-safe and stands alone: it imports only itself and zod." },
            { regex: "^(?!\\.{1,2}/|zod(/|$))", message: "src/shared/ is browser-safe and stands alone: it imports only itself and zod." },
          ],
        },
      ],
    },
  },
  {
    files: ["web/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+src/(?!shared/|react/)",
              message: "The web app is bundled for the browser: of src/ it may import only src/shared/ and src/react/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/index.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["better-auth", "better-auth/*"], message: "The library entry must not load better-auth (the server's auth)." }],
        },
      ],
    },
  },
];

export default defineConfig(
  {
    ignores: [
      "dist/**",
      "test-results/**",
      // Type-checked on its own inside the packed-package test app, against the published types.
      "test/package/fixtures/**",
      // Scratch benches, outside bench/tsconfig.json.
      "bench/_*.ts",
    ],
  },
  {
    files: ["src/**/*.{ts,tsx}", "web/**/*.{ts,tsx}", "test/**/*.{ts,tsx}", "bench/**/*.{ts,tsx}"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a deliberately unused binding; `{ dropped, ...rest }` is how we omit fields.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // `async` without `await` is how we implement Promise-returning interfaces; it also turns a throw into a rejection.
      "@typescript-eslint/require-await": "off",
      // Passing on a reason we were handed (an abort signal's, a caught error) is right; only invented non-Errors are flagged.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
      // React ignores an event handler's return value; our async handlers catch their own errors.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ["src/db/migrations/**/*.ts"],
    // Kysely's migrations take Kysely<any>: a migration must not depend on today's schema type.
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["test/**/*.{ts,tsx}"],
    rules: {
      // Tests read JSON response bodies as `any` (jsonOf) and let expect() check their shape.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  ...boundaries,
);
