// Types for seed.mjs: the demo schemas, the records registry-producer.mjs
// writes (deterministic per index) and the seeding functions behind its CLI.
export const ORDER_AVRO: object;
export const PAYMENT_PROTO: string;
export const LOG_EVENT_AVRO: object;

export interface Order {
  id: string;
  amount: number;
  currency: 'EUR' | 'USD' | 'GBP' | 'CHF';
  items: { sku: string; quantity: number; price: number }[];
  note: string | null;
}
export function order(i: number): Order;
/** As written (protobufjs fromObject input: int64 as number, enum by name). */
export function payment(i: number): {
  id: string;
  order_id: string;
  amount: { minor_units: number; currency: string };
  method: 'CARD' | 'BANK_TRANSFER' | 'WALLET';
  tags: string[];
  created_at: { seconds: number; nanos: number };
};
export function logEvent(i: number): {
  timestamp: number;
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  service: string;
  message: string;
  attributes: Record<string, string>;
  trace_id: string | null;
};

export interface Seeded {
  topic: string;
  /** Glue schema name or Confluent subject. */
  schema: string;
  version: number;
  /** Glue schema version id (UUID). */
  versionId?: string;
  /** Confluent schema id. */
  id?: number;
  records: number;
}
export function seedGlue(options: {
  brokers: string | string[];
  endpoint?: string;
  region?: string;
  registry?: string;
  topicPrefix?: string;
  count?: number;
  log?: (line: string) => void;
}): Promise<Seeded[]>;
export function seedConfluent(options: {
  brokers: string | string[];
  url: string;
  topicPrefix?: string;
  count?: number;
}): Promise<Seeded[]>;
