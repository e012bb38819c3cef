import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Product code (app, components, lib without its tests, proxy.ts, instrumentation.ts) ships; test code,
 * scripts and the emulator do not. These no-restricted-imports patterns keep product files from importing
 * them, by alias or by a relative path. (The rule reads static imports and re-exports; a dynamic import()
 * is not checked.)
 */
const outsideProduct = [
  {
    regex: "^(@/|(\\.\\./)+)test(/|$)",
    message: "Product code must not import test code (test/): move what it needs into lib/.",
  },
  {
    regex: "^(@/|(\\.\\./)+)scripts(/|$)",
    message: "Product code must not import scripts/ (command-line tools): move what it needs into lib/.",
  },
  {
    regex: "^(@/|(\\.\\./)+)emulator(/|$)",
    message: "Product code must not import the Azure emulator: talk to it over HTTP as to Azure.",
  },
];

/** The files that ship: everything they import is product code too. */
const productFiles = [
  "app/**/*.{ts,tsx}",
  "components/**/*.{ts,tsx}",
  "lib/**/*.{ts,tsx}",
  "proxy.ts",
  "instrumentation.ts",
];

/**
 * lib/data is the only door to the database: the db client (lib/db) and the generated
 * Prisma types are imported there, in lib/db itself, and in tests and scripts; everything else calls a
 * lib/data function that takes and returns domain values. Kept as a named list so that another
 * no-restricted-imports block can combine it (below, with outsideProduct): ESLint's later block for a
 * rule replaces an earlier one's options.
 */
const databaseDoor = [
  {
    group: ["@/lib/db", "@/lib/db/**", "**/lib/db", "**/lib/db/**", "./db", "./db/**", "../db", "../db/**"],
    message: "The database client belongs to lib/data: use a lib/data function instead.",
  },
  {
    group: [
      "@/lib/generated/**",
      "**/lib/generated/**",
      "**/generated/prisma/**",
      "@prisma/client",
      "@prisma/client/**",
    ],
    message: "Prisma's types belong to lib/data: use a lib/data function (and its domain types) instead.",
  },
];

/** Where the database may be imported directly: the data layer, the client itself, tests and tools. */
const databaseDoorAllowed = [
  "lib/data/**",
  "lib/db/**",
  "lib/generated/**",
  "**/*.test.ts",
  "**/*.test.tsx",
  "test/**",
  "e2e/**",
  "scripts/**",
  "emulator/**",
  "prisma/**",
  "prisma.config.ts",
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "lib/generated/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    // Type-aware rules: a promise nobody awaits or hands to a void callback loses its failure silently.
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      // A switch with a default is a choice; one without must name every case of its union.
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
      // Imports in three groups (Node and packages, then @/ paths, then relative), each alphabetical.
      "import/order": [
        "error",
        {
          groups: ["builtin", "external", "internal", ["parent", "sibling", "index"]],
          pathGroups: [{ pattern: "@/**", group: "internal" }],
          pathGroupsExcludedImportTypes: ["builtin"],
          "newlines-between": "always",
          alphabetize: { order: "asc", caseInsensitive: true },
        },
      ],
    },
  },
  {
    // Product files may import neither test code, scripts nor the emulator.
    files: productFiles,
    ignores: ["**/*.test.ts", "**/*.test.tsx"],
    rules: { "no-restricted-imports": ["error", { patterns: outsideProduct }] },
  },
  {
    // ...and, outside the data layer, not the database either. This block replaces the one above for
    // these files (a later block replaces a rule's options), so it carries both lists.
    files: productFiles,
    ignores: databaseDoorAllowed,
    rules: { "no-restricted-imports": ["error", { patterns: [...outsideProduct, ...databaseDoor] }] },
  },
];

export default config;
