-- Pools and backups (domain/order_lifecycle.h): what a yes to an offer does
-- (PLACE, POOL or BACKUP), and while an expert is AVAILABLE her place in the
-- order's queue of backups and pool members (1 first; 0 otherwise).
ALTER TABLE assignments ADD COLUMN offer_kind TEXT NOT NULL DEFAULT 'PLACE';
ALTER TABLE assignments ADD COLUMN backup_rank BIGINT NOT NULL DEFAULT 0;
