export { type GuardResult, guardSlackRequest, MAX_CLOCK_SKEW_SECONDS } from "./guard.js";
export { type HttpServerOptions, type RunningServer, startHttpServer } from "./server.js";
