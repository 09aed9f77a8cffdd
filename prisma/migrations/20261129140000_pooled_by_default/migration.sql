-- New clinics are pooled by default (issue 11, docs/tenants-at-scale.md "100,000 clinics"): a pooled
-- clinic costs the worker processes and the Temporal frontend nothing until it sends, a dedicated one a
-- Temporal Worker and its long polls. Only the column's default changes: every existing clinic keeps
-- the executor it has, and a clinic that needs its own queue is created with `--dedicated` or moved
-- with `aro tenant executor --dedicated`.

-- AlterTable
ALTER TABLE "Tenant" ALTER COLUMN "executor" SET DEFAULT 'pooled';
