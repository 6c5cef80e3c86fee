-- The audit trail of the kernel (practice.AuditStore) and the invitations
-- of package invite (invite.InvitationStore).
--
-- Times are timestamptz; a time that is not set (an invitation's remind_at
-- and reminded_at, when zero) is NULL, and so is an ID that is NilID.
-- People and organisations are never deleted, so a row may refer to them.

-- An entry of the audit trail. Entries are only ever added. Only the
-- organisation is a reference: actor_id, subject_id and invitation_id
-- record whom and what an event was about, and the trail of the kernel
-- does not depend on the tables of other packages. state_before and
-- state_after are '' where there was no state.
CREATE TABLE praksis_audit (
    id              uuid        CONSTRAINT praksis_audit_pkey PRIMARY KEY,
    at              timestamptz NOT NULL,
    organisation_id uuid        NOT NULL CONSTRAINT praksis_audit_organisation_id_fkey REFERENCES organisations (id),
    actor_id        uuid,       -- NULL: the system
    action          text        NOT NULL,
    subject_id      uuid,
    invitation_id   uuid,
    state_before    text        NOT NULL DEFAULT '',
    state_after     text        NOT NULL DEFAULT ''
);

-- The trail of an organisation, of a person and of an invitation, each in
-- the list's order: by time, then ID.
CREATE INDEX praksis_audit_organisation_idx ON praksis_audit (organisation_id, at, id);
CREATE INDEX praksis_audit_subject_idx ON praksis_audit (subject_id, at, id) WHERE subject_id IS NOT NULL;
CREATE INDEX praksis_audit_invitation_idx ON praksis_audit (invitation_id, at, id) WHERE invitation_id IS NOT NULL;

-- An invitation. The link finds it by token_hash, the SHA-256 hash of its
-- secret; sealed_token is the secret encrypted with a key the database
-- never holds. national_id holds the digits the login must have, or NULL:
-- it is personal data, never log it. email_key is practice.EmailKey(email),
-- computed by the store, by which the list selects an address.
CREATE TABLE praksis_invitation (
    id              uuid        CONSTRAINT praksis_invitation_pkey PRIMARY KEY,
    organisation_id uuid        NOT NULL CONSTRAINT praksis_invitation_organisation_id_fkey REFERENCES organisations (id),
    name            text        NOT NULL,
    email           text        NOT NULL,
    email_key       text        NOT NULL,
    access_right    text        NOT NULL CONSTRAINT praksis_invitation_access_right_check CHECK (access_right IN ('admin', 'write', 'read')),
    national_id     text,
    language        text        NOT NULL,
    invited_by      uuid        CONSTRAINT praksis_invitation_invited_by_fkey REFERENCES people (id), -- NULL: the system
    state           text        NOT NULL,
    expires_at      timestamptz NOT NULL,
    remind_at       timestamptz,
    reminded_at     timestamptz,
    failed_logins   integer     NOT NULL DEFAULT 0,
    person_id       uuid        CONSTRAINT praksis_invitation_person_id_fkey REFERENCES people (id),
    replaced_by     uuid        CONSTRAINT praksis_invitation_replaced_by_fkey REFERENCES praksis_invitation (id),
    token_hash      bytea       NOT NULL CONSTRAINT praksis_invitation_token_hash_key UNIQUE,
    sealed_token    bytea       NOT NULL,
    version         integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- An organisation's invitations and an address's, by ID.
CREATE INDEX praksis_invitation_organisation_idx ON praksis_invitation (organisation_id, id);
CREATE INDEX praksis_invitation_email_key_idx ON praksis_invitation (email_key, id);

-- The sweeps of what is due (InvitationFilter.DueBy, with a state): the
-- invitations that expire by then, and those whose reminder is due by then
-- and not yet sent.
CREATE INDEX praksis_invitation_expires_idx ON praksis_invitation (state, expires_at);
CREATE INDEX praksis_invitation_remind_idx ON praksis_invitation (state, remind_at) WHERE reminded_at IS NULL;
