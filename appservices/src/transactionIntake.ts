// PUT /_matrix/app/v1/transactions/:txnId — authenticate, size-cap and parse the body, check its shape,
// hand the events to the admission step, answer. Acknowledged only after the admission step says so.
import express, { type Router } from "express";
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import type { MatrixEvent } from "../../bots/framework/contract.ts";
import { describeError, type HostLog } from "./hostLog.ts";
import type { HostMetrics } from "./hostMetrics.ts";
import { requireHsToken } from "./hsTokenAuth.ts";
import { matrixErrorHandler, sendMatrixError } from "./matrixErrors.ts";
import type { AdmissionOutcome, TransactionAdmission } from "./transactionAdmission.ts";

export const transactionPath = "/_matrix/app/v1/transactions/:txnId";

const TransactionBody = TypeCompiler.Compile(Type.Object({ events: Type.Array(Type.Unknown()) }));

// The fields the host itself relies on; the rest of an event passes through untouched.
const EventEnvelope = TypeCompiler.Compile(
  Type.Object({
    event_id: Type.String(),
    room_id: Type.String({ minLength: 1 }),
    sender: Type.String(),
    type: Type.String(),
    state_key: Type.Optional(Type.String()),
    content: Type.Record(Type.String(), Type.Unknown()),
    origin_server_ts: Type.Number(),
  }),
);

// Synapse's txnIds are small integers; anything this long is not from a homeserver.
const maxTxnIdLength = 255;

const answers: Record<AdmissionOutcome, { status: number; body: Record<string, unknown> }> = {
  accepted: { status: 200, body: {} },
  duplicate: { status: 200, body: {} },
  busy: {
    status: 503,
    body: { errcode: "M_LIMIT_EXCEEDED", error: "Appservice inbox is full; retry this transaction later", retry_after_ms: 5000 },
  },
  // Not a 500: nothing is wrong with the transaction, and the operator-facing line was written once already.
  unavailable: {
    status: 503,
    body: {
      errcode: "M_UNKNOWN",
      error: "The appservice cannot store transactions right now (its disk is full or failing); retry this transaction later",
      retry_after_ms: 5000,
    },
  },
};

const metricOutcome: Record<AdmissionOutcome, "accepted" | "duplicate" | "rejected"> = {
  accepted: "accepted",
  duplicate: "duplicate",
  busy: "rejected",
  unavailable: "rejected",
};

export interface TransactionIntakeOptions {
  hsToken: string;
  /** Largest accepted body, in bytes or as "1mb". */
  bodyLimit: string | number;
  admission: TransactionAdmission;
  metrics: HostMetrics;
  log: HostLog;
  /** The bots' devices take in room keys and device lists first; a failure fails the transaction (it is sent again). */
  receiveCryptoParts?: (body: Record<string, unknown>) => Promise<void>;
}

const cryptoUnavailable = {
  errcode: "M_UNKNOWN",
  error: "The bots could not take in this transaction's encryption keys right now; retry this transaction later",
  retry_after_ms: 5000,
};

export function transactionIntakeRouter(options: TransactionIntakeOptions): Router {
  const { metrics, log } = options;
  const count = (outcome: "accepted" | "duplicate" | "unauthorized" | "forbidden" | "rejected") => metrics.transactions.inc({ outcome });
  const router = express.Router();

  router.put(
    transactionPath,
    // Authentication comes before body parsing: an unauthenticated caller's body is never read.
    requireHsToken(options.hsToken, count),
    express.json({ limit: options.bodyLimit }),
    async (req, res) => {
      const txnId = String(req.params.txnId);
      if (txnId.length > maxTxnIdLength) {
        count("rejected");
        sendMatrixError(res, 400, "M_INVALID_PARAM", `Transaction id longer than ${maxTxnIdLength} characters`);
        return;
      }
      const body: unknown = req.body;
      if (body === undefined) {
        count("rejected");
        sendMatrixError(res, 400, "M_NOT_JSON", "Expected a JSON body (Content-Type: application/json)");
        return;
      }
      if (!TransactionBody.Check(body)) {
        count("rejected");
        sendMatrixError(res, 400, "M_BAD_JSON", "Transaction body must be a JSON object with an `events` array");
        return;
      }
      if (options.receiveCryptoParts !== undefined) {
        try {
          await options.receiveCryptoParts(body);
        } catch (error) {
          count("rejected");
          log.error("could not take in a transaction's encryption parts; the homeserver will send it again", { txnId, ...describeError(error) });
          res.status(503).json(cryptoUnavailable);
          return;
        }
      }
      const events = body.events.filter((event): event is MatrixEvent => EventEnvelope.Check(event));
      // Dropping (not rejecting) keeps one odd event from making Synapse retry the whole transaction forever.
      if (events.length < body.events.length) {
        log.warn("dropped malformed events from a transaction", { txnId, dropped: body.events.length - events.length });
      }
      const outcome = await options.admission.admit(txnId, events);
      count(metricOutcome[outcome]);
      res.status(answers[outcome].status).json(answers[outcome].body);
    },
  );
  router.use(matrixErrorHandler(log, () => count("rejected")));
  return router;
}
