-- Reverts 0003_invite.up.sql. Migrate never runs down migrations; they are
-- here for tools that read Migrations.

DROP TABLE praksis_invitation;
DROP TABLE praksis_audit;
