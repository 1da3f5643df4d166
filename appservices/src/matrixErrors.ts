// Matrix-style error answers ({errcode, error}), and how body-parsing failures map onto them.
import type { ErrorRequestHandler, Response } from "express";
import type { HostLog } from "./hostLog.ts";
import { describeError } from "./hostLog.ts";

export function sendMatrixError(res: Response, status: number, errcode: string, error: string): void {
  res.status(status).json({ errcode, error });
}

interface ErrorAnswer {
  status: number;
  errcode: string;
  error: string;
}

// body-parser tags each failure with a `type`; each maps to one answer.
const bodyErrorAnswers: Record<string, ErrorAnswer> = {
  "entity.too.large": { status: 413, errcode: "M_TOO_LARGE", error: "Request body is larger than this appservice accepts" },
  "entity.parse.failed": { status: 400, errcode: "M_NOT_JSON", error: "Request body is not valid JSON" },
  "entity.verify.failed": { status: 400, errcode: "M_NOT_JSON", error: "Request body could not be verified" },
  "encoding.unsupported": { status: 415, errcode: "M_UNKNOWN", error: "Unsupported content encoding" },
  "charset.unsupported": { status: 415, errcode: "M_UNKNOWN", error: "Unsupported charset" },
  "request.aborted": { status: 400, errcode: "M_UNKNOWN", error: "Request was aborted" },
  "request.size.invalid": { status: 400, errcode: "M_UNKNOWN", error: "Request size did not match Content-Length" },
  "stream.encoding.set": { status: 500, errcode: "M_UNKNOWN", error: "Internal error reading the body" },
};

function bodyErrorType(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "type" in error && typeof error.type === "string" ? error.type : undefined;
}

/** Last middleware: answers every error as Matrix JSON so the process keeps serving. */
export function matrixErrorHandler(log: HostLog, rejected: () => void = () => {}): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const answer = bodyErrorAnswers[bodyErrorType(error) ?? ""];
    if (answer) {
      rejected();
      sendMatrixError(res, answer.status, answer.errcode, answer.error);
      return;
    }
    log.error("request failed", describeError(error));
    if (!res.headersSent) sendMatrixError(res, 500, "M_UNKNOWN", "Internal error");
  };
}
