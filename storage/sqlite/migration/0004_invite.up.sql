-- 0004_invite: the audit trail of the kernel (practice.AuditStore) and the
-- invitations of package invite (invite.InvitationStore), in the
-- conventions of 0001_kernel. A time that is not set (an invitation's
-- remind_at and reminded_at, when zero) is NULL, and so is an ID that is
-- NilID. People and organisations are never deleted, so a row may refer
-- to them.

-- An entry of the audit trail. Entries are only ever added. Only the
-- organisation is a reference: actor_id, subject_id and invitation_id
-- record whom and what an event was about, and the trail of the kernel
-- does not depend on the tables of other packages. state_before and
-- state_after are '' where there was no state.
CREATE TABLE praksis_audit (
    id              TEXT NOT NULL PRIMARY KEY,
    at              TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    actor_id        TEXT, -- NULL: the system
    action          TEXT NOT NULL,
    subject_id      TEXT,
    invitation_id   TEXT,
    state_before    TEXT NOT NULL DEFAULT '',
    state_after     TEXT NOT NULL DEFAULT ''
) STRICT;

-- The trail of an organisation, of a person and of an invitation, each in
-- the list's order: by time, then ID.
CREATE INDEX praksis_audit_organisation_idx ON praksis_audit (organisation_id, at, id);
CREATE INDEX praksis_audit_subject_idx ON praksis_audit (subject_id, at, id) WHERE subject_id IS NOT NULL;
CREATE INDEX praksis_audit_invitation_idx ON praksis_audit (invitation_id, at, id) WHERE invitation_id IS NOT NULL;

-- An invitation. The link finds it by token_hash, the SHA-256 hash of its
-- secret; sealed_token is the secret encrypted with a key the database
-- never holds. national_id holds the digits the login must have, or NULL:
-- it is personal data, never log it. email_key is practice.EmailKey(email),
-- computed by the store, by which the list selects an address. The CHECK
-- of "right" is named after its column, as in memberships, which is how
-- SQLite names it when it fails.
CREATE TABLE praksis_invitation (
    id              TEXT    NOT NULL PRIMARY KEY,
    organisation_id TEXT    NOT NULL REFERENCES organisations (id),
    name            TEXT    NOT NULL,
    email           TEXT    NOT NULL,
    email_key       TEXT    NOT NULL,
    "right"         TEXT    NOT NULL CHECK ("right" IN ('read', 'write', 'admin')),
    national_id     TEXT,
    language        TEXT    NOT NULL,
    invited_by      TEXT    REFERENCES people (id), -- NULL: the system
    state           TEXT    NOT NULL,
    expires_at      TEXT    NOT NULL,
    remind_at       TEXT,
    reminded_at     TEXT,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    person_id       TEXT    REFERENCES people (id),
    replaced_by     TEXT    REFERENCES praksis_invitation (id),
    token_hash      BLOB    NOT NULL UNIQUE,
    sealed_token    BLOB    NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

-- An organisation's invitations and an address's, by ID.
CREATE INDEX praksis_invitation_organisation_idx ON praksis_invitation (organisation_id, id);
CREATE INDEX praksis_invitation_email_key_idx ON praksis_invitation (email_key, id);

-- The sweeps of what is due (InvitationFilter.DueBy, with a state): the
-- invitations that expire by then, and those whose reminder is due by then
-- and not yet sent.
CREATE INDEX praksis_invitation_expires_idx ON praksis_invitation (state, expires_at);
CREATE INDEX praksis_invitation_remind_idx ON praksis_invitation (state, remind_at) WHERE reminded_at IS NULL;
