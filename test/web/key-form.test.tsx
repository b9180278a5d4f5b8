// @vitest-environment happy-dom
import "./testing-library-timeout.js";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KeyForm } from "../../web/src/components/key-form";
import { ApiError } from "../../src/react/index.js";
import { publicCatalog } from "../../src/services/catalog.js";

afterEach(cleanup);

// The server's own catalog, as GET /api/services sends it.
const services = publicCatalog();

function setup(overrides: Partial<Parameters<typeof KeyForm>[0]> = {}) {
  const props = {
    mode: "create" as const,
    services,
    onSubmit: vi.fn(async () => {}),
    onTest: vi.fn(async () => ({ keyId: null, success: true, status: "valid" as const, message: "Key works", latencyMs: 42, testedAt: "2026-11-25T10:00:00Z" })),
    onCancel: vi.fn(),
    ...overrides,
  };
  render(<KeyForm {...props} />);
  return props;
}

const feedback = () => screen.getByTestId("format-feedback");
const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe("<KeyForm> format feedback", () => {
  it("labels every field", () => {
    setup();
    for (const label of ["Name", "Service", "API Key", "Description", "Expiration"]) expect(screen.getByLabelText(label, { exact: false })).toBeTruthy();
  });

  it("shows the service's hint and where to get a key before anything is typed", () => {
    setup();
    expect(screen.getByText(/Starts with "sk-"/)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Get your OpenAI key" }).getAttribute("href")).toBe("https://platform.openai.com/api-keys");
    expect(feedback().getAttribute("data-state")).toBe("empty");
  });

  it("flags a wrong prefix as the person types, then confirms a good key", () => {
    setup();
    type("API Key", "abc-definitely-not-openai");
    expect(feedback().getAttribute("data-state")).toBe("error");
    expect(feedback().textContent).toContain("OpenAI keys start with sk-");
    expect(screen.getByLabelText("API Key").getAttribute("aria-invalid")).toBe("true");
    type("API Key", `sk-proj-${"a".repeat(40)}`);
    expect(feedback().getAttribute("data-state")).toBe("ok");
    expect(feedback().textContent).toContain("Format looks right");
  });

  it("follows the service dropdown", () => {
    setup();
    type("API Key", `sk-proj-${"a".repeat(40)}`);
    fireEvent.change(screen.getByLabelText("Service"), { target: { value: "groq" } });
    expect(feedback().textContent).toContain("OpenAI key");
    expect(screen.getByRole("link", { name: /Groq/ }).getAttribute("href")).toBe("https://console.groq.com/keys");
  });

  it("asks AWS for its own fields and Custom for its endpoint", () => {
    setup();
    fireEvent.change(screen.getByLabelText("Service"), { target: { value: "aws" } });
    for (const label of ["Access key ID", "Secret access key", "Session token", "Region"]) expect(screen.getByLabelText(label, { exact: false })).toBeTruthy();
    expect(screen.queryByLabelText("API Key")).toBeNull();
    type("Access key ID", "ASIAIOSFODNN7EXAMPLE");
    type("Secret access key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    expect(feedback().textContent).toContain("session token");
    fireEvent.change(screen.getByLabelText("Service"), { target: { value: "custom" } });
    for (const label of ["Base URL", "Header name", "Header prefix"]) expect(screen.getByLabelText(label)).toBeTruthy();
  });

  it("toggles the key between hidden and shown", () => {
    setup();
    const input = screen.getByLabelText("API Key");
    expect(input.getAttribute("type")).toBe("password");
    fireEvent.click(screen.getByRole("button", { name: "Show" }));
    expect(input.getAttribute("type")).toBe("text");
    expect(screen.getByRole("button", { name: "Show" }).getAttribute("aria-pressed")).toBe("true");
  });
});

describe("<KeyForm> test and save", () => {
  it("tests the typed key before saving and shows the outcome", async () => {
    const props = setup();
    type("API Key", `sk-${"a".repeat(30)}`);
    fireEvent.click(screen.getByRole("button", { name: "Test" }));
    await waitFor(() => expect(screen.getByTestId("test-result").textContent).toContain("Key works"));
    expect(props.onTest).toHaveBeenCalledWith({ service: "openai", value: `sk-${"a".repeat(30)}` });
  });

  it("blocks Save on missing fields, and shows the server's refusal otherwise", async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(400, "INVALID_KEY_FORMAT", "Invalid API key format: OpenAI keys start with \"sk-\"");
    });
    setup({ onSubmit });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByText("Name is required")).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
    type("Name", "Bad key");
    type("API Key", "nope");
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Invalid API key format"));
  });
});
