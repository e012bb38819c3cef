/**
 * Structured logging. Anything that can carry a credential is redacted by key before it is written, and
 * errors from the Azure libraries are reduced to safe fields by the caller (lib/azure/errors) first.
 */
import pino from "pino";

import { logLevel } from "@/lib/env";

const redactedKeys = [
  "secret",
  "secretText",
  "clientSecret",
  "client_secret",
  "password",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "id_token",
  "authorization",
  "Authorization",
  "cookie",
  "code",
  "code_verifier",
  "ciphertext",
];

export const redactPaths = [
  ...redactedKeys,
  ...redactedKeys.map((key) => `*.${key}`),
  ...redactedKeys.map((key) => `*.*.${key}`),
];

export const log = pino({
  level: logLevel(),
  base: { service: "mca-connect" },
  redact: { paths: redactPaths, censor: "[redacted]" },
});
