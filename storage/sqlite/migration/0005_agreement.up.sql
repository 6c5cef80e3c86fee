-- 0005_agreement: the agreements of package agreement
-- (agreement.AgreementStore), the documents attached to them
-- (agreement.DocumentStore) and the documents' bytes (agreement.Blobs), in
-- the conventions of 0001_kernel: dates are TEXT 'YYYY-MM-DD' as a place
-- version's valid_from is, times TEXT in UTC with six fractional digits. A
-- date that is not set (an agreement's end, notice and reminder, when
-- zero) is NULL, and so is an ID that is NilID. Institutions,
-- organisations, places and people are never deleted, so a row may refer
-- to them.

-- An agreement between an institution and an organisation. period_start
-- and period_end are its Period as signed (period_end NULL: without end);
-- renew_months and notice_days its Renewal; scope the JSON array of its
-- programme codes in code order, [] for all. The CHECK of status is named
-- after its column, so that SQLite names it so when it fails.
CREATE TABLE praksis_agreement (
    id              TEXT    NOT NULL PRIMARY KEY,
    institution_id  TEXT    NOT NULL REFERENCES institutions (id),
    organisation_id TEXT    NOT NULL REFERENCES organisations (id),
    name            TEXT    NOT NULL,
    period_start    TEXT    NOT NULL
        CHECK (period_start GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    period_end      TEXT -- NULL: without end
        CHECK (period_end GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    renew_months    INTEGER NOT NULL DEFAULT 0,
    notice_days     INTEGER NOT NULL DEFAULT 0,
    scope           TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(scope)),
    status          TEXT    NOT NULL
        CONSTRAINT status CHECK (status IN ('draft', 'active', 'terminated')),
    notice_given    TEXT
        CHECK (notice_given GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    reviewed_on     TEXT    NOT NULL
        CHECK (reviewed_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    reviewed_by     TEXT    REFERENCES people (id), -- NULL: the system
    expiry_notified TEXT
        CHECK (expiry_notified GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    version         INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

-- An institution's agreements and an organisation's, by ID: the lists of
-- each, and the selections of coverage.
CREATE INDEX praksis_agreement_institution_idx ON praksis_agreement (institution_id, id);
CREATE INDEX praksis_agreement_organisation_idx ON praksis_agreement (organisation_id, id);

-- The sweep of the agreements that end in a period (Filter.EndsWithin):
-- only those with an end can.
CREATE INDEX praksis_agreement_end_idx ON praksis_agreement (period_end) WHERE period_end IS NOT NULL;

-- A place an agreement names; only is 1 if it covers the place alone, 0
-- if the place and every place under it.
CREATE TABLE praksis_agreement_place (
    agreement_id TEXT    NOT NULL REFERENCES praksis_agreement (id),
    place_id     TEXT    NOT NULL REFERENCES places (id),
    only         INTEGER NOT NULL DEFAULT 0 CHECK (only IN (0, 1)),
    PRIMARY KEY (agreement_id, place_id)
) STRICT;

-- The agreements that name a place (Filter.PlaceID).
CREATE INDEX praksis_agreement_place_place_idx ON praksis_agreement_place (place_id, agreement_id);

-- A capacity term of an agreement: how many students of a programme the
-- organisation takes in the academic year that starts in academic_year,
-- and how many at once.
CREATE TABLE praksis_agreement_term (
    agreement_id  TEXT    NOT NULL REFERENCES praksis_agreement (id),
    programme     TEXT    NOT NULL,
    academic_year INTEGER NOT NULL,
    students      INTEGER NOT NULL,
    at_once       INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, programme, academic_year)
) STRICT;

-- What is known of a document attached to an agreement. Its bytes are
-- not here: they are kept under its ID by agreement.Blobs, which an
-- application may keep elsewhere than in praksis_blob, so nothing refers
-- from one table to the other.
CREATE TABLE praksis_agreement_document (
    id           TEXT    NOT NULL PRIMARY KEY,
    agreement_id TEXT    NOT NULL REFERENCES praksis_agreement (id),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    uploaded_by  TEXT    REFERENCES people (id), -- NULL: the system
    created_at   TEXT    NOT NULL
) STRICT;

-- An agreement's documents, by ID.
CREATE INDEX praksis_agreement_document_agreement_idx ON praksis_agreement_document (agreement_id, id);

-- The bytes kept under a key (agreement.Blobs): a document's content under
-- the document's ID. It has row IDs, as SQLite advises for large rows.
CREATE TABLE praksis_blob (
    "key"   TEXT NOT NULL PRIMARY KEY,
    content BLOB NOT NULL
) STRICT;
