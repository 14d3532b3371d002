import { describe, expect, it } from "vitest";
import { HARDENED_MOUNTINFO } from "./_test-support.ts";
import { dataLines, mountFor, parseIntList, parseIntStrict, parseMountinfo, parseStatus } from "./parse.ts";

describe("parseMountinfo", () => {
  it("reads mount point, root, fs type and the read-only flag from per-mount or super options", () => {
    const mounts = parseMountinfo(HARDENED_MOUNTINFO);
    const root = mounts.find((m) => m.mountPoint === "/");
    expect(root).toMatchObject({ fsType: "overlay", root: "/", readOnly: true });
    expect(mounts.find((m) => m.mountPoint === "/tmp")?.readOnly).toBe(false);
    const superRo = parseMountinfo("1 0 0:1 / /x rw - ext4 /dev/a ro,errors=remount-ro\n");
    expect(superRo[0]?.readOnly).toBe(true);
  });

  it("decodes octal escapes and skips malformed lines", () => {
    const mounts = parseMountinfo("garbage\n1 0 0:1 /a\\040b /mnt/my\\040dir rw,relatime - ext4 /dev/a rw\n");
    expect(mounts).toMatchObject([{ mountPoint: "/mnt/my dir", root: "/a b", fsType: "ext4", source: "/dev/a", readOnly: false }]);
  });

  it("handles optional fields before the separator", () => {
    const [entry] = parseMountinfo("1 0 0:1 / / ro shared:1 master:2 - overlay overlay rw\n");
    expect(entry).toMatchObject({ mountPoint: "/", fsType: "overlay", readOnly: true });
  });
});

describe("mountFor", () => {
  it("picks the most specific covering mount, not a sibling with a shared prefix", () => {
    const mounts = parseMountinfo(HARDENED_MOUNTINFO);
    expect(mountFor(mounts, "/proc/sys/kernel")?.mountPoint).toBe("/proc/sys");
    expect(mountFor(mounts, "/proc/sysrq-trigger")?.mountPoint).toBe("/proc");
    expect(mountFor(mounts, "/opt/macro")?.mountPoint).toBe("/");
  });
});

describe("status and table helpers", () => {
  it("parses /proc/self/status fields and strict integers", () => {
    const fields = parseStatus("Seccomp:\t2\nUid:\t1\t2\t3\t4\n");
    expect(fields.get("Seccomp")).toBe("2");
    expect(parseIntList(fields.get("Uid"))).toEqual([1, 2, 3, 4]);
    expect(parseIntList("1 x")).toBeNull();
    expect(parseIntList("")).toEqual([]);
    expect(parseIntStrict("12a")).toBeNull();
    expect(parseIntStrict(undefined)).toBeNull();
  });

  it("returns data lines after the header, without blanks", () => {
    expect(dataLines("h\n a \n\n b\n")).toEqual(["a", "b"]);
  });
});
