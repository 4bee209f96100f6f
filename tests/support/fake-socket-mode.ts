import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import type { FakeSlack } from "./fake-slack.js";

/**
 * Slack's side of Socket Mode on loopback: apps.connections.open (on the FakeSlack) hands out this
 * server's URL; on connect it sends `hello`; `send` delivers an envelope and resolves with the app's ack
 * (`{ envelope_id, payload? }`), exactly as Slack's WebSocket protocol does.
 */
export class FakeSocketMode {
  private server: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  private connected: Promise<void> | undefined;
  private readonly acks = new Map<string, (ack: Record<string, unknown>) => void>();

  constructor(private readonly slack: FakeSlack) {}

  async start(): Promise<void> {
    this.server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => this.server?.once("listening", () => resolve()));
    const { port } = this.server.address() as AddressInfo;
    this.slack.socketModeUrl = `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}`;
    this.connected = new Promise((resolve) => {
      this.server?.on("connection", (socket) => {
        this.socket = socket;
        socket.on("message", (data) => {
          const ack = JSON.parse(String(data)) as { envelope_id?: string };
          if (ack.envelope_id) this.acks.get(ack.envelope_id)?.(ack as Record<string, unknown>);
        });
        socket.send(
          JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0APP" } }),
        );
        resolve();
      });
    });
  }

  /** Resolves once the app has connected and been greeted. */
  waitForConnection(): Promise<void> {
    return this.connected ?? Promise.reject(new Error("not started"));
  }

  /** Sends an envelope (`slash_commands`, `interactive`, `events_api`) and waits for the app's ack. */
  send(type: string, payload: Record<string, unknown>, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const envelopeId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ack for ${type} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.acks.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      this.socket?.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: true,
          retry_attempt: 0,
        }),
      );
    });
  }

  async stop(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
