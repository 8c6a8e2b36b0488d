// What the generated part of a client defines for the runtime (client.ts): the fields of each
// struct that need converting, and the type of each event's data. Only for compiling
// client.ts alone into client.js (tests/codegen/run.sh).
declare const STRUCTS: Record<string, Record<string, string>>;
declare const EVENTS: Record<string, string>;
