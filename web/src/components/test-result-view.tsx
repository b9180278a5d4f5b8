import { CircleAlert, CircleCheck, CircleX } from "lucide-react";
import type { TestResult } from "../keyhaven";

const TITLE: Record<TestResult["status"], string> = { valid: "Valid", invalid: "Invalid", error: "Could not test" };

/** The outcome of a key test, announced politely. */
export function TestResultView({ result }: { result: Pick<TestResult, "status" | "message"> & { latencyMs?: number } }) {
  const Icon = result.status === "valid" ? CircleCheck : result.status === "invalid" ? CircleX : CircleAlert;
  return (
    <div className={`test-result test-result--${result.status}`} role="status" data-testid="test-result" data-status={result.status}>
      <Icon size={16} aria-hidden="true" />
      <p>
        <strong>{TITLE[result.status]}</strong>
        {result.message && <> — {result.message}</>}
        {result.latencyMs !== undefined && result.latencyMs > 0 && <span className="muted"> · {Math.round(result.latencyMs)} ms</span>}
      </p>
    </div>
  );
}
