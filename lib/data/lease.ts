/**
 * The one shape of a lease in the database, for every row that one runner at a time works on (a step,
 * an integration operation, a delivery, a webhook delivery, a mail, a health check): an owner column
 * naming the run that holds it, and a time until which it holds it. A lease is taken by a conditional
 * update (the row unchanged since it was read, or its lease free), kept by the owner renewing it, and
 * let go with the run's result; a write fenced by it names the owner, and lands only while it holds.
 */
import "server-only";

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** Thrown when a runner's lease was taken over: whatever it was about to save belongs to nobody. */
export class LeaseLostError extends Error {
  constructor() {
    super("The step's lease was taken over by another runner");
    this.name = "LeaseLostError";
  }
}

/** This process, in every lease owner it names: a row's owner tells which instance held it. */
const instanceId = `${hostname()}:${process.pid}-${randomUUID().slice(0, 8)}`;

/** A fresh lease owner for one run (or one round of a job): this instance's id and a random part. */
export function newLeaseOwner(): string {
  return `${instanceId}:${randomUUID()}`;
}

/** The lease's two columns on a table (the owner, and the time it holds until). */
export type LeaseColumns<O extends string, U extends string> = { owner: O; until: U };

/** The lease columns of steps, integration operations, deliveries and webhook deliveries. */
export const leaseColumns = { owner: "leaseOwner", until: "leaseExpiresAt" } as const;
/** The lease columns of queued mails. */
export const mailLeaseColumns = { owner: "leaseOwner", until: "leaseUntil" } as const;
/** The lease columns of an Integration's health check. */
export const checkLeaseColumns = { owner: "checkLeaseOwner", until: "checkLeaseUntil" } as const;

/** Where a lease is free at `now`: never taken, or held only until before `now`. */
export function leaseFree<U extends string>(until: U, now: Date) {
  return {
    OR: [{ [until]: null } as Record<U, null>, { [until]: { lt: now } } as Record<U, { lt: Date }>],
  };
}

/** The write that takes (or renews) a lease for `owner` until `until`. */
export function leaseFor<O extends string, U extends string>(
  columns: LeaseColumns<O, U>,
  owner: string,
  until: Date,
) {
  return { [columns.owner]: owner, [columns.until]: until } as Record<O, string> & Record<U, Date>;
}

/** The write that lets a lease go. */
export function leaseReleased<O extends string, U extends string>(columns: LeaseColumns<O, U>) {
  return { [columns.owner]: null, [columns.until]: null } as Record<O, null> & Record<U, null>;
}
