-- Materials that were already active: the best record of when they became so is their last update.
UPDATE "materials" SET "activated_at" = "updated_at" WHERE "status" = 'active' AND "activated_at" IS NULL;
