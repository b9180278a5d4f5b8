import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { USAGE_FORMATS, type UsageFormatId, type UsageReading } from "../../../src/services/usage-formats/index.js";
import { mulberry32 } from "../../support/prng.js";

const FIXTURES = new URL("../../fixtures/gateway/", import.meta.url);

export function fixture(path: string): Buffer {
  return readFileSync(new URL(path, FIXTURES));
}

export function fixtureJson(path: string): unknown {
  return JSON.parse(fixture(path).toString("utf8"));
}

/** Where to cut `length` bytes into chunks: ascending positions strictly inside (0, length). */
export type Cuts = number[];

export function byteByByte(length: number): Cuts {
  return Array.from({ length: Math.max(length - 1, 0) }, (_, i) => i + 1);
}

/** Random chunk sizes from 1 to maxChunk bytes, replayable from the seed. */
export function randomCuts(length: number, seed: number, maxChunk = 64): Cuts {
  const next = mulberry32(seed);
  const cuts: Cuts = [];
  let at = 0;
  for (;;) {
    at += 1 + Math.floor(next() * maxChunk);
    if (at >= length) return cuts;
    cuts.push(at);
  }
}

export function chunksOf(bytes: Uint8Array, cuts: Cuts): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    // A copy per chunk, as a network read hands over fresh memory.
    if (cut > from) chunks.push(bytes.slice(from, cut));
    from = cut;
  }
  return chunks;
}

export interface StreamRun {
  relayed: Buffer;
  reading: UsageReading;
  /** Every push returned the very chunk it was given. */
  zeroCopy: boolean;
}

export function runStream(
  format: UsageFormatId,
  bytes: Uint8Array,
  cuts: Cuts,
  opts: { dropUsageEvent: boolean; maxEventBytes?: number } = { dropUsageEvent: false },
): StreamRun {
  const reader = USAGE_FORMATS[format].streamReader(opts);
  const out: Uint8Array[] = [];
  let zeroCopy = true;
  for (const chunk of chunksOf(bytes, cuts)) {
    const relayed = reader.push(chunk);
    if (relayed !== chunk) zeroCopy = false;
    out.push(relayed);
  }
  const { rest, reading } = reader.finish();
  out.push(rest);
  return { relayed: Buffer.concat(out), reading, zeroCopy };
}

/** The splits every fixture is fed in: whole, byte by byte, and 40 seeded random ones. */
export function allSplits(length: number): Array<{ name: string; cuts: Cuts }> {
  const splits = [
    { name: "whole", cuts: [] as Cuts },
    { name: "byte by byte", cuts: byteByByte(length) },
  ];
  for (let seed = 1; seed <= 40; seed++) splits.push({ name: `random seed ${seed}`, cuts: randomCuts(length, seed, seed % 2 ? 7 : 97) });
  return splits;
}

/**
 * Feeds the stream in every split: each gives `expected`, and (not dropping) relays the input
 * unchanged, chunk for chunk.
 */
export function expectSameReadingInEverySplit(format: UsageFormatId, bytes: Buffer, expected: UsageReading): void {
  for (const { name, cuts } of allSplits(bytes.length)) {
    const run = runStream(format, bytes, cuts);
    expect({ split: name, reading: run.reading }).toEqual({ split: name, reading: expected });
    expect(run.zeroCopy, name).toBe(true);
    expect(run.relayed.equals(bytes), name).toBe(true);
  }
}

/**
 * Cuts the stream short at every byte (each prefix fed in seeded random chunks): never throws,
 * relays the prefix unchanged, and is complete exactly from `completeAt` on.
 */
export function expectAbortsAtEveryByte(format: UsageFormatId, bytes: Buffer, completeAt: number): UsageReading[] {
  const readings: UsageReading[] = [];
  for (let end = 0; end <= bytes.length; end++) {
    const prefix = bytes.subarray(0, end);
    const run = runStream(format, prefix, randomCuts(end, end + 1, 13));
    expect(run.relayed.equals(prefix), `relayed prefix ${end}`).toBe(true);
    expect({ end, complete: run.reading.complete }).toEqual({ end, complete: end >= completeAt });
    readings.push(run.reading);
  }
  return readings;
}

export function bytes(text: string): Buffer {
  return Buffer.from(text, "utf8");
}
