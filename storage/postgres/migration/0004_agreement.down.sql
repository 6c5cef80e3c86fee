-- Reverts 0004_agreement.up.sql. Migrate never runs down migrations; they
-- are here for tools that read Migrations.

DROP TABLE praksis_blob;
DROP TABLE praksis_agreement_document;
DROP TABLE praksis_agreement_term;
DROP TABLE praksis_agreement_place;
DROP TABLE praksis_agreement;
