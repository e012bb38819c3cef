/**
 * Input a form never sends but a crafted request can: very long text, every kind of Unicode, control
 * characters, and values of the wrong type (numbers, arrays, objects) where text is expected. For the
 * property tests of validators and server actions.
 */
import fc from "fast-check";

const nasty = [
  "\u0000",
  "\u0007",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u200b",
  "\u202e",
  "\u2028",
  "\ufeff",
  "\ud800",
  "\udfff",
  "\n",
  "\r",
  "\t",
  " ",
  "<",
  ">",
  "'",
  '"',
  "&",
  "%",
  "\\",
  "/",
  ".",
  "a",
  "0",
  "-",
  "é",
  "🙂",
];

/** Text of every kind a person, a paste or an attacker could send. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...nasty), maxLength: 60 }),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
  fc.constantFrom(
    "",
    " ",
    "null",
    "undefined",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "1.5",
    "1e309",
    "0x10",
    "__proto__",
    "constructor",
    `'; DROP TABLE "Onboarding"; --`,
    "../../etc/passwd",
    "%00",
    "<script>alert(1)</script>",
    "x".repeat(100_000),
  ),
);

/** Values of the wrong type, including objects that break a careless String() or Number(). */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 10 }), hostileText, { maxKeys: 3 }),
  fc.constantFrom<unknown>(
    { valueOf: 1 },
    { toString: "x" },
    { toString: () => "12" },
    Object.create(null),
    [["a"]],
    new Date(Number.NaN),
    new Map([["a", "b"]]),
    Symbol("s"),
    () => "12",
  ),
  fc.anything(),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileText, wrongType);

/** Zod's own wording, which means a schema gave no message a person could act on. */
export const zodDefaultMessage = /^(Invalid|Too (big|small)|Expected|Unrecognized|Required)\b/;
