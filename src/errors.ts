/**
 * The one error hierarchy. Anything thrown with a `WaymarkError` type becomes its HTTP status in
 * one place (the server's error handler) and a usage error in the CLI; domain modules throw the
 * meaning (`NotFoundError`), never a status code by hand.
 */
export class WaymarkError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Extra fields of the JSON answer (e.g. `field`, `index`). */
    readonly details?: Record<string, unknown>,
    /** Sent as Retry-After (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is wrong; the message starts with the field it names ("to: …"). */
export class BadRequestError extends WaymarkError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(400, message, details);
  }
}
export class UnauthorizedError extends WaymarkError {
  constructor(message: string) {
    super(401, message);
  }
}
export class ForbiddenError extends WaymarkError {
  constructor(message: string) {
    super(403, message);
  }
}
export class NotFoundError extends WaymarkError {
  constructor(message: string) {
    super(404, message);
  }
}
export class ConflictError extends WaymarkError {
  constructor(message: string) {
    super(409, message);
  }
}
/** A limit of the request's own making (a query past its time or memory limit). */
export class LimitExceededError extends WaymarkError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(422, message, details);
  }
}
export class TooManyRequestsError extends WaymarkError {
  constructor(message: string, retryAfterSeconds = 5) {
    super(429, message, undefined, retryAfterSeconds);
  }
}
export class UnavailableError extends WaymarkError {
  constructor(message: string, retryAfterSeconds = 10) {
    super(503, message, undefined, retryAfterSeconds);
  }
}
