import { describe, expect, it } from "vitest";
import { parseCpuList, readerCpu } from "../../src/monitor/reader-scheduling.js";

/** Issue 8, item 9: the page reader is confined to one CPU, the highest the bot may use. */
describe("the page reader's CPU", () => {
  it("reads proc(5) CPU lists: single CPUs, ranges, both", () => {
    expect(parseCpuList("0")).toEqual([0]);
    expect(parseCpuList("0-1\n")).toEqual([0, 1]);
    expect(parseCpuList("0-3,8,10-11")).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList("2,0-1")).toEqual([0, 1, 2]);
  });

  it("refuses anything else rather than guessing", () => {
    for (const list of ["", "a", "1-", "3-1", "0,,1", "-1", "0-99999"])
      expect(parseCpuList(list), list).toBeUndefined();
  });

  it("is the highest allowed CPU, and none when there is only one (or nothing is known)", () => {
    expect(readerCpu("0-1")).toBe(1);
    expect(readerCpu("0-3,8")).toBe(8);
    expect(readerCpu("5")).toBeUndefined();
    expect(readerCpu(undefined)).toBeUndefined();
    expect(readerCpu("garbage")).toBeUndefined();
  });
});
