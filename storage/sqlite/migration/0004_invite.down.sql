-- 0004_invite, undone: drops the invitations and the audit trail.

DROP TABLE praksis_invitation;
DROP TABLE praksis_audit;
