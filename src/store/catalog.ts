/**
 * The catalog's edit history: one entry per change the bot detected between the stored snapshot of a
 * provider's facts and the loaded catalog (announce/catalog-changes.ts). Public catalog facts only —
 * no channel, person or subscription is ever part of an entry.
 */

export interface CatalogFieldChange {
  field: string;
  /** "" when the field was not set before. */
  before: string;
  /** "" when the field is no longer set. */
  after: string;
}

export interface NewCatalogHistoryEntry {
  providerId: string;
  /** The name at detection time, so an entry still reads well after the provider left the catalog. */
  providerName: string;
  fromHash: string;
  toHash: string;
  fields: CatalogFieldChange[];
  /** Opt-out steps, the setting's label or the settings link changed. */
  stepsChanged: boolean;
  detectedAt: Date;
}

export interface CatalogHistoryEntry extends NewCatalogHistoryEntry {
  id: number;
  /** 1, 2, 3 … per provider: with the provider id, what names the entry for good (feed ids). */
  seq: number;
}

export interface CatalogHistoryRepository {
  /**
   * Appends the change as the provider's next entry (`seq` = the provider's last + 1), unless that
   * provider's latest entry already moved `fromHash` → `toHash`: a second instance that read the same
   * snapshot records nothing. Returns true when an entry was written.
   */
  record(entry: NewCatalogHistoryEntry): Promise<boolean>;
  /** Newest first (by detection time, then id); one provider's when `providerId` is given. */
  list(limit: number, providerId?: string): Promise<CatalogHistoryEntry[]>;
}
