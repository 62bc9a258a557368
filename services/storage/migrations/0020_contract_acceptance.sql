-- Who accepted a contract and how (issue: only the expert herself accepts
-- her contract): her resource id and the channel, "SELF_SERVICE_PAGE" or
-- "API_KEY". Contracts accepted before this keep '' (not recorded).
ALTER TABLE contracts ADD COLUMN accepted_by TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN accepted_via TEXT NOT NULL DEFAULT '';
