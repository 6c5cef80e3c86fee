-- The agreements of package agreement (agreement.AgreementStore), what is
-- known of their documents (agreement.DocumentStore) and the documents'
-- bytes (agreement.Blobs).
--
-- Dates are date columns and times timestamptz; a date that is not set (an
-- agreement's end, its notice, its reminder) is NULL, and so is an ID that
-- is NilID. Institutions, organisations, places, people and agreements are
-- never deleted, so a row may refer to them; documents and their bytes are.

-- An agreement between a study site and a practice organisation.
-- period_end is the end as signed: NULL for an agreement without end, and
-- for one that renews the end of its first term. renew_months is 0 for an
-- agreement that does not renew. scope holds the programme codes it is for,
-- in code order; empty means all (a list of codes, so a text array).
-- reviewed_by is NULL for the system; expiry_notified is the end date whose
-- reminder was sent, if one was.
CREATE TABLE praksis_agreement (
    id              uuid        CONSTRAINT praksis_agreement_pkey PRIMARY KEY,
    institution_id  uuid        NOT NULL CONSTRAINT praksis_agreement_institution_id_fkey REFERENCES institutions (id),
    organisation_id uuid        NOT NULL CONSTRAINT praksis_agreement_organisation_id_fkey REFERENCES organisations (id),
    name            text        NOT NULL,
    period_start    date        NOT NULL,
    period_end      date,
    renew_months    integer     NOT NULL DEFAULT 0,
    notice_days     integer     NOT NULL DEFAULT 0,
    scope           text[]      NOT NULL DEFAULT '{}',
    status          text        NOT NULL CONSTRAINT praksis_agreement_status_check CHECK (status IN ('draft', 'active', 'terminated')),
    notice_given    date,
    reviewed_on     date        NOT NULL,
    reviewed_by     uuid        CONSTRAINT praksis_agreement_reviewed_by_fkey REFERENCES people (id),
    expiry_notified date,
    version         integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- An institution's agreements and an organisation's, by ID; those with a
-- status, and those that end in a period (AgreementFilter.EndsWithin: the
-- active and terminated ones, by their end).
CREATE INDEX praksis_agreement_institution_idx ON praksis_agreement (institution_id, id);
CREATE INDEX praksis_agreement_organisation_idx ON praksis_agreement (organisation_id, id);
CREATE INDEX praksis_agreement_status_end_idx ON praksis_agreement (status, period_end);

-- A place an agreement names. only_place is true if the agreement covers
-- the place alone, false if it covers the place and every place under it.
-- An update of the agreement replaces its rows here.
CREATE TABLE praksis_agreement_place (
    agreement_id uuid    NOT NULL CONSTRAINT praksis_agreement_place_agreement_id_fkey REFERENCES praksis_agreement (id),
    place_id     uuid    NOT NULL CONSTRAINT praksis_agreement_place_place_id_fkey REFERENCES places (id),
    only_place   boolean NOT NULL DEFAULT false,
    CONSTRAINT praksis_agreement_place_pkey PRIMARY KEY (agreement_id, place_id)
);

-- The agreements that name a place (AgreementFilter.PlaceID).
CREATE INDEX praksis_agreement_place_place_idx ON praksis_agreement_place (place_id, agreement_id);

-- A capacity term of an agreement: how many students of a programme the
-- organisation takes in the academic year that starts in academic_year,
-- and how many at once. An update of the agreement replaces its rows here.
CREATE TABLE praksis_agreement_term (
    agreement_id  uuid    NOT NULL CONSTRAINT praksis_agreement_term_agreement_id_fkey REFERENCES praksis_agreement (id),
    programme     text    NOT NULL,
    academic_year integer NOT NULL,
    students      integer NOT NULL,
    at_once       integer NOT NULL,
    CONSTRAINT praksis_agreement_term_pkey PRIMARY KEY (agreement_id, programme, academic_year)
);

-- What is known of a document attached to an agreement; its bytes are in
-- praksis_blob under its ID, or elsewhere when the application keeps them
-- elsewhere, so nothing here refers to them. sha256 is the hex digest of
-- its content; uploaded_by is NULL for the system.
CREATE TABLE praksis_agreement_document (
    id           uuid        CONSTRAINT praksis_agreement_document_pkey PRIMARY KEY,
    agreement_id uuid        NOT NULL CONSTRAINT praksis_agreement_document_agreement_id_fkey REFERENCES praksis_agreement (id),
    name         text        NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL,
    sha256       text        NOT NULL,
    uploaded_by  uuid        CONSTRAINT praksis_agreement_document_uploaded_by_fkey REFERENCES people (id),
    created_at   timestamptz NOT NULL
);

-- An agreement's documents, by ID.
CREATE INDEX praksis_agreement_document_agreement_idx ON praksis_agreement_document (agreement_id, id);

-- The bytes of a document, under its key. They are stored out of line and
-- uncompressed (documents such as PDF files are compressed already), so
-- that a reader fetches a slice of them, substring(content ...), without
-- reading, let alone decompressing, the rest.
CREATE TABLE praksis_blob (
    key     uuid  CONSTRAINT praksis_blob_pkey PRIMARY KEY,
    content bytea NOT NULL
);

ALTER TABLE praksis_blob ALTER COLUMN content SET STORAGE EXTERNAL;
