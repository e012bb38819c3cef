import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * lib/data is the only door to the database: the db client (lib/db.ts, lib/db/*) and the generated
 * Prisma types are imported there, in lib/db itself, and in tests and scripts; everything else calls a
 * lib/data function that takes and returns domain values. Kept as a named list so that another
 * no-restricted-imports block can combine it (`patterns: [...other, ...databaseDoor]`): ESLint's later
 * block for a rule replaces an earlier one's options.
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
  "lib/db.ts",
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
    },
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    ignores: databaseDoorAllowed,
    rules: { "no-restricted-imports": ["error", { patterns: databaseDoor }] },
  },
];

export default config;
