// @vitest-environment happy-dom
import "./testing-library-timeout.js";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { StatusBadge } from "../../web/src/components/status-badge";
import { keyStatus } from "../../web/src/lib/key-status";

afterEach(cleanup);

describe("<StatusBadge>", () => {
  it.each([
    ["active", "Active"],
    ["inactive", "Inactive"],
    ["expired", "Expired"],
    ["expiring-soon", "Expiring soon"],
  ] as const)("shows %s as %s", (status, label) => {
    render(<StatusBadge status={status} />);
    const badge = screen.getByTestId("status-badge");
    expect(badge.textContent).toBe(label);
    expect(badge.getAttribute("data-status")).toBe(status);
    expect(badge.className).toContain(`badge--${status}`);
  });

  it("shows what keyStatus computes for a key expiring tomorrow", () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    render(<StatusBadge status={keyStatus({ isActive: true, isExpired: false, expiresAt: tomorrow })} />);
    expect(screen.getByTestId("status-badge").textContent).toBe("Expiring soon");
  });
});
