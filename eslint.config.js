import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", ".cache/**", "extensions/**/assets/**", "prisma/**/*.sql"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    // Pure code: no I/O, no clock, no environment, no server modules.
    files: ["app/lib/**/*.ts"],
    rules: {
      // Types (e.g. Prisma's where-input shapes) are fine; values that do I/O are not.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["*.server", "*.server.ts", "~/db.server", "@prisma/client", "bullmq", "ioredis", "node:fs", "fs", "node:http", "pg"],
              message: "app/lib is pure: pass data in, return data out.",
              allowTypeImports: true,
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", { name: "fetch", message: "app/lib is pure." }, { name: "process", message: "app/lib reads no environment." }],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Pass `now` in; app/lib reads no clock." },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Pass `now` in; app/lib reads no clock." },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: "Pass a seeded generator in." },
      ],
    },
  },
  {
    files: ["app/components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["*.server", "*.server.ts"], message: "Components must not import server modules." }] }],
    },
  },
);
