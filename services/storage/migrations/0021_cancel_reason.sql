-- Why an expert cancelled her task (domain/orders.h CancelReason): ILLNESS
-- carries no blame and, being health-related, is shown to the coordinator
-- and the expert only; erasure blanks it.
ALTER TABLE assignments ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT 'UNSPECIFIED';
